package org.outmail.examples.spring;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.outmail.Email;
import org.outmail.MailboxRegistry;
import org.outmail.spring.TransactionalOutbox;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Opens tickets: the ticket row and its notification to the requester are written in one
 * transaction on the application's database, so the mail goes out if and only if the ticket was
 * saved.
 */
@Service
public class TicketService {
  /** The teams a ticket can be routed to. */
  static final Set<String> TEAMS = Set.of("desk", "network", "printers");

  private static final RowMapper<Ticket> TICKET = (rs, n) -> new Ticket(rs.getLong("id"), rs.getString("requester"),
      rs.getString("subject"), rs.getString("description"), rs.getString("team"));

  private final JdbcTemplate jdbc;
  private final TransactionalOutbox outbox;
  private final MailboxRegistry registry;

  /**
   * Creates the service.
   *
   * @param jdbc the application's database
   * @param outbox queues mail in the current transaction
   * @param registry the mailboxes of {@code application.yml}
   */
  public TicketService(JdbcTemplate jdbc, TransactionalOutbox outbox, MailboxRegistry registry) {
    this.jdbc = jdbc;
    this.outbox = outbox;
    this.registry = registry;
  }

  /**
   * Saves the ticket, queues the requester's confirmation, then routes the ticket to its team. An
   * unknown team fails after the mail was queued, on purpose: the transaction rolls back, and with
   * it the ticket and the mail.
   *
   * @param request what the requester sent
   * @return the ticket and the id of its queued mail
   * @throws UnknownTeamException when the team is not one of {@link #TEAMS}: nothing is saved or sent
   * @throws org.outmail.MailException when the mail cannot be queued (every recipient blocked, ...)
   */
  @Transactional
  public Opened open(TicketRequest request) {
    GeneratedKeyHolder key = new GeneratedKeyHolder();
    jdbc.update(c -> {
      var insert = c.prepareStatement("INSERT INTO ticket (requester, subject, description, team) VALUES (?, ?, ?, ?)",
          new String[] {"id"});
      insert.setString(1, request.requester());
      insert.setString(2, request.subject());
      insert.setString(3, request.description());
      insert.setString(4, request.team());
      return insert;
    }, key);
    long id = Objects.requireNonNull(key.getKey(), "the database returned no id for the ticket").longValue();

    long mailId = outbox.enqueue(registry.forRecord(null), Email.builder()
        .to(request.requester())
        .subject(request.subject())
        .text("We received your ticket and will get back to you.\n\n" + request.description())
        .recordId(Long.toString(id))
        .build(), "ticket-" + id + "-opened");

    route(request.team());
    return new Opened(new Ticket(id, request.requester(), request.subject(), request.description(), request.team()),
        mailId);
  }

  private static void route(String team) {
    if (!TEAMS.contains(team)) {
      throw new UnknownTeamException(team);
    }
  }

  /**
   * The ticket with this id.
   *
   * @param id the ticket's id
   * @return the ticket, or empty
   */
  @Transactional(readOnly = true)
  public Optional<Ticket> find(long id) {
    return jdbc.query("SELECT * FROM ticket WHERE id = ?", TICKET, id).stream().findFirst();
  }

  /** {@return every ticket, the newest first} */
  @Transactional(readOnly = true)
  public List<Ticket> all() {
    return jdbc.query("SELECT * FROM ticket ORDER BY id DESC", TICKET);
  }

  /**
   * A ticket as the requester opened it.
   *
   * @param requester the requester's address
   * @param subject the subject
   * @param description what is wrong
   * @param team the team it goes to
   */
  public record TicketRequest(String requester, String subject, String description, String team) {}

  /**
   * A saved ticket.
   *
   * @param id the ticket's id, the record id of its mails ({@code [TICKET#id] ...})
   * @param requester the requester's address
   * @param subject the subject
   * @param description what is wrong
   * @param team the team it goes to
   */
  public record Ticket(long id, String requester, String subject, String description, String team) {}

  /**
   * A ticket just opened.
   *
   * @param ticket the ticket
   * @param mailId the id of its confirmation in the outbox
   */
  public record Opened(Ticket ticket, long mailId) {}

  /** The ticket names a team that does not exist; the ticket and its mail were rolled back. */
  public static final class UnknownTeamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnknownTeamException(String team) {
      super("team '" + team + "' does not exist; known teams: " + String.join(", ", TEAMS.stream().sorted().toList()));
    }
  }
}
