package org.outmail.owa;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;
import org.outmail.Attachment;

/**
 * Uploads one attachment to a Graph upload session: {@code PUT} requests to the session's
 * pre-authenticated URL (no bearer token), each with a {@code Content-Range}, in chunks that are
 * multiples of 320 KiB and at most 4 MB, read from the attachment's stream as they are written.
 */
final class ChunkUploader {
  /** Graph wants chunks in multiples of 320 KiB. */
  static final int UNIT = 320 * 1024;
  /** 12 units: 3,932,160 bytes, under the 4 MB request limit. */
  static final int DEFAULT_CHUNK = 12 * UNIT;
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");

  private final OkHttpClient http;
  private final int chunkSize;

  ChunkUploader(OkHttpClient http, int chunkSize) {
    if (chunkSize <= 0 || chunkSize % UNIT != 0 || chunkSize > 4 * 1024 * 1024) {
      throw new IllegalArgumentException("chunk size must be a multiple of 320 KiB up to 4 MiB, was " + chunkSize);
    }
    this.http = http;
    this.chunkSize = chunkSize;
  }

  /**
   * Uploads the whole attachment.
   *
   * @throws UploadException when the session answers with an error status
   * @throws IOException when the file cannot be read or the connection fails
   */
  void upload(String uploadUrl, Attachment attachment, long size) throws IOException {
    try (InputStream in = attachment.open()) {
      long offset = 0;
      while (offset < size) {
        int length = (int) Math.min(chunkSize, size - offset);
        long last = offset + length - 1;
        Request put = new Request.Builder()
            .url(uploadUrl)
            .header("Content-Range", "bytes " + offset + "-" + last + "/" + size)
            .put(new Chunk(in, length))
            .build();
        try (Response r = http.newCall(put).execute()) {
          if (r.code() != 200 && r.code() != 201 && r.code() != 202) {
            String body = r.body() == null ? "" : r.body().string();
            throw new UploadException(r.code(), r.header("Retry-After"), GraphErrors.oneLine(body));
          }
        }
        offset += length;
      }
    }
  }

  /** An upload session answered with an error status. */
  static final class UploadException extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;
    final @Nullable String retryAfter;

    UploadException(int status, @Nullable String retryAfter, @Nullable String body) {
      super("upload session answered HTTP " + status + (body == null || body.isEmpty() ? "" : ": " + body));
      this.status = status;
      this.retryAfter = retryAfter;
    }
  }

  /** {@code length} bytes of the stream, written once as they are read. */
  private static final class Chunk extends RequestBody {
    private final InputStream in;
    private final int length;
    private boolean written;

    Chunk(InputStream in, int length) {
      this.in = in;
      this.length = length;
    }

    @Override
    public MediaType contentType() {
      return OCTETS;
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public boolean isOneShot() {
      return true;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      if (written) {
        throw new IOException("an upload chunk cannot be sent twice");
      }
      written = true;
      byte[] buffer = new byte[64 * 1024];
      int left = length;
      while (left > 0) {
        int n = in.read(buffer, 0, Math.min(buffer.length, left));
        if (n < 0) {
          throw new EOFException("attachment ended " + left + " bytes early: was the file changed while sending?");
        }
        sink.write(buffer, 0, n);
        left -= n;
      }
    }
  }
}
