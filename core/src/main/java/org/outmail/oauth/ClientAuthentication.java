package org.outmail.oauth;

/**
 * How a confidential client proves itself to the token and device authorization endpoints (RFC 6749
 * §2.3.1, RFC 8628 §3.1), as its registration at the authorization server says. A client without a
 * secret (a public client) sends only its {@code client_id}, whatever this says.
 */
public enum ClientAuthentication {
  /** {@code client_id} and {@code client_secret} in the request's form: the default. */
  CLIENT_SECRET_POST,
  /** HTTP Basic: {@code Authorization: Basic} with the form-encoded client id and secret. */
  CLIENT_SECRET_BASIC
}
