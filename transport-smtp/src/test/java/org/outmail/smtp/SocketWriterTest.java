package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The writer of a connection's socket, on a real socket pair on 127.0.0.1. */
@Timeout(30)
class SocketWriterTest {

  @Test
  void anEmptyPieceBesideOnlyLargeOnesIsWritten() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (ServerSocket listener = new ServerSocket(0, 1, loopback);
        Socket client = new Socket(loopback, listener.getLocalPort());
        Socket server = listener.accept()) {
      SocketWriter writer = new SocketWriter(new WriteWatchdog(Duration.ofSeconds(10)), () -> client);
      byte[] large = new byte[20_000];
      Arrays.fill(large, (byte) 'x');

      writer.write(List.of(ByteBuffer.wrap(new byte[0]), ByteBuffer.wrap(large)));
      client.shutdownOutput();

      assertThat(server.getInputStream().readAllBytes()).isEqualTo(large);
      assertThat(writer.lastWritten()).isEqualTo(large.length);
    }
  }
}
