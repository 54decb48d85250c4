package org.outmail.examples.spring;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.outmail.MailException;
import org.outmail.examples.spring.TicketService.Opened;
import org.outmail.examples.spring.TicketService.Ticket;
import org.outmail.examples.spring.TicketService.TicketRequest;
import org.outmail.examples.spring.TicketService.UnknownTeamException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The ticket API: {@code POST /tickets} opens one, {@code GET /tickets} and {@code /tickets/{id}} read them. */
@RestController
@RequestMapping("/tickets")
public class TicketController {
  private final TicketService tickets;

  /**
   * Creates the controller.
   *
   * @param tickets the service
   */
  public TicketController(TicketService tickets) {
    this.tickets = tickets;
  }

  /**
   * Opens a ticket.
   *
   * @param request {@code {"requester": ..., "subject": ..., "description": ..., "team": ...}}
   * @return 201 with the ticket and its queued mail's id
   */
  @PostMapping
  public ResponseEntity<Opened> open(@RequestBody TicketRequest request) {
    Opened opened = tickets.open(request);
    return ResponseEntity.created(URI.create("/tickets/" + opened.ticket().id())).body(opened);
  }

  /**
   * One ticket.
   *
   * @param id its id
   * @return 200 with the ticket, or 404
   */
  @GetMapping("/{id}")
  public ResponseEntity<Ticket> get(@PathVariable("id") long id) {
    return ResponseEntity.of(tickets.find(id));
  }

  /** {@return every ticket} */
  @GetMapping
  public List<Ticket> all() {
    return tickets.all();
  }

  /**
   * A refused ticket: nothing was saved or sent.
   *
   * @param e why
   * @return 400 with the reason
   */
  @ExceptionHandler({UnknownTeamException.class, MailException.class, IllegalArgumentException.class})
  public ResponseEntity<Map<String, String>> refused(RuntimeException e) {
    return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", String.valueOf(e.getMessage())));
  }
}
