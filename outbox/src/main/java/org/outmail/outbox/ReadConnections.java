package org.outmail.outbox;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store's connections for reading (status, lists, counts, attachment content): kept
 * open and handed out again, since opening a SQLite connection reads the schema each time. In WAL
 * mode readers never wait for the writer, nor it for them. A connection handed out goes back to the
 * pool when closed; the pool keeps at most {@link #IDLE} of them.
 */
final class ReadConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReadConnections.class);
  static final int IDLE = 8;

  /** Opens a new connection. */
  interface Opener {
    Connection open() throws SQLException;
  }

  private final Opener opener;
  private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  ReadConnections(Opener opener) {
    this.opener = opener;
  }

  /** A connection in auto-commit mode; closing it gives it back. */
  Connection get() throws SQLException {
    if (closed) {
      throw new SQLException("the outbox store is closed");
    }
    Connection c = idle.poll();
    Connection real = c != null ? c : opener.open();
    java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          if (method.getName().equals("close") && method.getParameterCount() == 0) {
            if (released.compareAndSet(false, true)) {
              giveBack(real);
            }
            return null;
          }
          if (method.getName().equals("isClosed") && method.getParameterCount() == 0 && released.get()) {
            return true;
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private void giveBack(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback();
      c.setAutoCommit(true);
    }
    if (closed || idle.size() >= IDLE) {
      c.close();
    } else {
      idle.add(c);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Connection c = idle.poll(); c != null; c = idle.poll()) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.warn("the outbox store: closing a read connection failed: {}", e.toString());
      }
    }
  }
}
