package org.outmail.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Connections from {@link DriverManager} for a JDBC URL: for tools and tests; hosts give their pool. */
final class UrlDataSource extends DriverDataSource {
  private final String url;

  UrlDataSource(String url) {
    this.url = url;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return DriverManager.getConnection(url);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return DriverManager.getConnection(url, username, password);
  }

  /** The URL with the value of any password parameter masked. */
  @Override
  public String toString() {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
  }
}
