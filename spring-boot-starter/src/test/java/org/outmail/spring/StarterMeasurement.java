package org.outmail.spring;

import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.outmail.MailboxRegistry;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The figures in the README, printed, never asserted; not run by {@code mvn verify} (its name is not
 * a test's): {@code mvn -pl spring-boot-starter -am verify -Dtest=StarterMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false}, with OUTMAIL_TEST_PG_URL set.
 */
class StarterMeasurement {
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import({OutmailAutoConfigurationTest.Captured.class, TransactionalOutboxTest.Tickets.Config.class})
  static class TicketApp {
    final Postgres pg = new Postgres();

    @Bean(destroyMethod = "")
    DataSource dataSource() {
      return pg.dataSource;
    }
  }

  private static long startMillis(boolean outmail) {
    long start = System.nanoTime();
    SpringApplicationBuilder b = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .logStartupInfo(false).properties("spring.main.banner-mode=off");
    if (outmail) {
      b.properties(OutmailAutoConfigurationTest.SUPPORT);
    } else {
      b.properties("outmail.enabled=false");
    }
    try (ConfigurableApplicationContext c = b.run()) {
      if (outmail) {
        c.getBean(MailboxRegistry.class);
      }
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void startUpTimeAddedByTheStarter() {
    for (int i = 0; i < 5; i++) { // warm up
      startMillis(i % 2 == 0);
    }
    long[] with = new long[21];
    long[] without = new long[21];
    for (int i = 0; i < 21; i++) { // alternated, so that the machine's noise falls on both
      with[i] = startMillis(true);
      without[i] = startMillis(false);
    }
    java.util.Arrays.sort(with);
    java.util.Arrays.sort(without);
    System.out.printf("start-up, median of 21 (warm JVM): without outmail %d ms, with one mailbox %d ms "
        + "(quartiles %d-%d and %d-%d)%n", without[10], with[10], without[5], without[15], with[5], with[15]);
  }

  @Test
  void transactionalEnqueueRateOnPostgres() throws Exception {
    try (ConfigurableApplicationContext c = new SpringApplicationBuilder(TicketApp.class).web(WebApplicationType.NONE)
        .properties(OutmailAutoConfigurationTest.SUPPORT)
        .properties("outmail.outbox.enabled=true", "outmail.outbox.store=jdbc", "outmail.outbox.workers=0").run()) {
      TicketApp app = c.getBean(TicketApp.class);
      app.pg.inSchema("CREATE TABLE ticket (id BIGINT PRIMARY KEY, title TEXT NOT NULL)");
      TransactionalOutboxTest.Tickets tickets = c.getBean(TransactionalOutboxTest.Tickets.class);
      for (int i = 0; i < 500; i++) {
        tickets.open(i, "warm-up " + i);
      }
      for (int threads : new int[] {1, 8}) {
        int perThread = 2000 / threads;
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong(threads * 1_000_000L);
        long start = System.nanoTime();
        Thread[] all = new Thread[threads];
        for (int t = 0; t < threads; t++) {
          all[t] = new Thread(() -> {
            for (int i = 0; i < perThread; i++) {
              long id = next.incrementAndGet();
              tickets.open(id, "Ticket " + id);
            }
          });
          all[t].start();
        }
        for (Thread t : all) {
          t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("@Transactional ticket insert + enqueue, %d thread(s): %.0f transactions/s%n",
            threads, perThread * threads / seconds);
      }
      c.close();
      app.pg.close();
    }
  }
}
