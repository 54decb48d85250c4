package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Email;
import org.outmail.MailboxRegistry;
import org.outmail.RetryPolicy;
import org.outmail.TransportException;

/** Messages over Graph's 4 MB request limit: a draft, upload sessions in chunks, then send. */
@Timeout(60)
class OwaLargeAttachmentTest extends FakeGraphTest {
  private static final int TEN_MB = 10 * 1024 * 1024;
  private static final String USER = "/v1.0/users/" + FakeGraph.USER;
  private static final String DRAFT = USER + "/messages/" + FakeGraph.DRAFT_ID;

  @TempDir Path dir;

  private MailboxRegistry registry(boolean saveToSentItems) {
    registry = MailboxRegistry.builder()
        .accessTokenProvider(new MsalTokenProvider(new LoopbackMsalHttpClient(graph.port())))
        .mailbox(
            OwaTestSupport.mailbox(graph, "desk").options(OwaOptions.builder().saveToSentItems(saveToSentItems).build())
                .retryPolicy(RetryPolicy.NONE).defaultOutgoing(true).build())
        .build();
    return registry;
  }

  private Path file(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return Files.write(dir.resolve(name), data);
  }

  @Test
  void tenMegabyteAttachmentGoesThroughAnUploadSessionInChunks() throws IOException {
    Path big = file("big.bin", TEN_MB);
    registry(true).defaultOutgoing().send(Email.builder()
        .to("alice@example.org").subject("Big").text("see attachment")
        .attach("small.txt", "text/plain", "hello".getBytes())
        .attach("big.bin", "application/octet-stream", big)
        .build());

    List<FakeGraph.Call> calls = graph.graphCalls();
    assertThat(calls).extracting(c -> c.method() + " " + c.path()).containsExactly(
        "POST " + USER + "/messages",
        "POST " + DRAFT + "/attachments/createUploadSession",
        "PUT /upload/session-1",
        "PUT /upload/session-1",
        "PUT /upload/session-1",
        "POST " + DRAFT + "/send");
    assertThat(graph.calls("POST", "/sendMail")).isEmpty();

    JsonObject draft = calls.get(0).json();
    assertThat(draft.get("subject").getAsString()).isEqualTo("Big");
    assertThat(draft.getAsJsonArray("attachments")).hasSize(1);
    assertThat(draft.getAsJsonArray("attachments").get(0).getAsJsonObject().get("name").getAsString())
        .isEqualTo("small.txt");
    assertThat(draft.has("singleValueExtendedProperties")).isFalse();

    JsonObject item = calls.get(1).json().getAsJsonObject("AttachmentItem");
    assertThat(item.get("attachmentType").getAsString()).isEqualToIgnoringCase("file");
    assertThat(item.get("name").getAsString()).isEqualTo("big.bin");
    assertThat(item.get("size").getAsLong()).isEqualTo(TEN_MB);

    List<FakeGraph.Call> puts = calls.subList(2, 5);
    assertThat(puts).extracting(c -> c.header("Content-Range")).containsExactly(
        "bytes 0-3932159/10485760", "bytes 3932160-7864319/10485760", "bytes 7864320-10485759/10485760");
    assertThat(puts).extracting(c -> c.body().length).containsExactly(3_932_160, 3_932_160, 2_621_440);
    assertThat(puts).allSatisfy(c -> {
      assertThat(c.body().length % (320 * 1024)).isZero();
      assertThat(c.header("Authorization")).as("upload URLs are pre-authenticated").isNull();
    });
    ByteArrayOutputStream uploaded = new ByteArrayOutputStream();
    for (FakeGraph.Call put : puts) {
      uploaded.write(put.body());
    }
    assertThat(uploaded.toByteArray()).isEqualTo(Files.readAllBytes(big));
    assertThat(calls.get(0).header("Authorization")).isEqualTo("Bearer token-1");
    assertThat(calls.get(5).header("Authorization")).isEqualTo("Bearer token-1");
  }

  @Test
  void draftOfAMailboxThatKeepsNoCopyIsDeletedAfterSubmit() throws IOException {
    registry(false).defaultOutgoing().send(Email.builder().to("alice@example.org").subject("Big").text("x")
        .attach("big.bin", "application/octet-stream", file("big.bin", 4 * 1024 * 1024)).build());

    JsonObject prop = graph.calls("POST", USER + "/messages").get(0).json()
        .getAsJsonArray("singleValueExtendedProperties").get(0).getAsJsonObject();
    assertThat(prop.get("id").getAsString()).isEqualTo("Boolean 0x0E01");
    assertThat(prop.get("value").getAsString()).isEqualTo("true");
  }

  @Test
  void mediumAttachmentsThatDoNotFitTogetherArePostedOneByOne() throws IOException {
    registry(true).defaultOutgoing().send(Email.builder().to("alice@example.org").subject("Two").text("x")
        .attach("a.bin", "application/octet-stream", file("a.bin", 2_000_000))
        .attach("b.bin", "application/octet-stream", file("b.bin", 2_000_000)).build());

    assertThat(graph.graphCalls()).extracting(c -> c.method() + " " + c.path()).containsExactly(
        "POST " + USER + "/messages", "POST " + DRAFT + "/attachments", "POST " + DRAFT + "/send");
    assertThat(graph.calls("POST", DRAFT + "/attachments").get(0).json().get("name").getAsString()).isEqualTo("b.bin");
  }

  @Test
  void failedUploadDeletesTheDraftAndSendsNothing() throws IOException {
    graph.script("PUT", "/upload/session-1", FakeGraph.json(200, "{\"nextExpectedRanges\":[\"3932160-\"]}"),
        FakeGraph.odataError(400, "InvalidRange", "The range is not valid."));

    assertThatThrownBy(() -> registry(true).defaultOutgoing().send(Email.builder().to("alice@example.org")
        .subject("Big").text("x").attach("big.bin", "application/octet-stream", file("big.bin", TEN_MB)).build()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.replyCode()).isEqualTo(400);
          assertThat(e.getMessage())
              .startsWith("mailbox 'desk': uploading big.bin failed: upload session answered HTTP 400");
        });
    assertThat(graph.calls("DELETE", DRAFT)).hasSize(1);
    assertThat(graph.calls("POST", DRAFT + "/send")).isEmpty();
  }

  @Test
  void throttledDraftSendKeepsRetryAfterAndDeletesTheDraft() throws IOException {
    graph.script("POST", DRAFT + "/send", FakeGraph.odataError(429, "ApplicationThrottled", "Too many requests")
        .setHeader("Retry-After", "3"));

    assertThatThrownBy(() -> registry(true).defaultOutgoing().send(Email.builder().to("alice@example.org")
        .subject("Big").text("x").attach("big.bin", "application/octet-stream", file("big.bin", 4_000_000)).build()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
        });
    assertThat(graph.calls("DELETE", DRAFT)).hasSize(1);
  }

  @Test
  void draftSendWithUnknownOutcomeKeepsTheDraftAndIsNotRetried() throws IOException {
    graph.script("POST", DRAFT + "/send", new okhttp3.mockwebserver.MockResponse().setResponseCode(502));

    assertThatThrownBy(() -> registry(true).defaultOutgoing().send(Email.builder().to("alice@example.org")
        .subject("Big").text("x").attach("big.bin", "application/octet-stream", file("big.bin", 4_000_000)).build()))
        .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.isOutcomeUnknown()).isTrue());
    assertThat(graph.calls("DELETE", DRAFT)).isEmpty();
    assertThat(graph.calls("POST", DRAFT + "/send")).hasSize(1);
  }

  @Test
  void anAttachmentWhoseEncodedRequestFitsIsPostedInOneRequest() throws IOException {
    registry(true).defaultOutgoing().send(Email.builder().to("alice@example.org").subject("Fits").text("x")
        .attach("fits.bin", "application/octet-stream", file("fits.bin", 2_990_000)).build());

    assertThat(graph.calls("POST", DRAFT + "/attachments")).hasSize(1);
    assertThat(graph.calls("POST", DRAFT + "/attachments/createUploadSession")).isEmpty();
    assertThat(graph.calls("POST", DRAFT + "/send")).hasSize(1);
  }

  @Test
  void anAttachmentJustUnderThreeMebibytesIsUploadedBecauseItsBase64FormDoesNotFitOneRequest() throws IOException {
    registry(true).defaultOutgoing().send(Email.builder().to("alice@example.org").subject("Edge").text("x")
        .attach("edge.bin", "application/octet-stream", file("edge.bin", 3 * 1024 * 1024 - 1)).build());

    assertThat(graph.calls("POST", DRAFT + "/attachments")).isEmpty();
    assertThat(graph.calls("POST", DRAFT + "/attachments/createUploadSession")).hasSize(1);
    assertThat(graph.calls("POST", DRAFT + "/send")).hasSize(1);
  }
}
