#!/usr/bin/env bash
# Regenerates the test certificates of this folder (see README.md). Needs openssl and keytool.
set -euo pipefail
cd "$(dirname "$0")"
DAYS=36500
PASS=changeit
rm -f ./*.pem ./*.key ./*.p12 ./*.csr ./*.srl

# 1. the test CA
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days $DAYS \
  -subj "/CN=outmail test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

# 2. a server certificate for localhost and 127.0.0.1, signed by the CA
sign() { # name subject san
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days $DAYS -sha256 \
    -extfile "$1.ext" -out "$1.pem"
  openssl pkcs12 -export -inkey "$1.key" -in "$1.pem" -certfile ca.pem -name server \
    -passout pass:$PASS -out "$1.p12"
  rm -f "$1.csr" "$1.ext" "$1.key"
}
sign localhost "/CN=localhost/O=outmail tests" "DNS:localhost,IP:127.0.0.1"

# 3. a certificate signed by the CA for another host name
sign wrong-host "/CN=wrong.example.com/O=outmail tests" "DNS:wrong.example.com"

# 4. a self-signed certificate for localhost and 127.0.0.1
openssl req -x509 -newkey rsa:2048 -nodes -keyout self-signed.key -out self-signed.pem -days $DAYS \
  -subj "/CN=localhost/O=outmail self-signed" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1"
openssl pkcs12 -export -inkey self-signed.key -in self-signed.pem -name server \
  -passout pass:$PASS -out self-signed.p12
rm -f self-signed.key

# 5. the CA as a PKCS12 trust store
keytool -importcert -noprompt -alias outmail-test-ca -file ca.pem \
  -keystore ca-truststore.p12 -storetype PKCS12 -storepass $PASS
rm -f ca.srl
