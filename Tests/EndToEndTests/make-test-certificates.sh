#!/bin/sh
# Makes throwaway certificates for the TLS tests with openssl, in DIR:
#   ca.pem (+ ca-key.pem)           the test CA
#   server.pem, server-key.pem      CN=NAME (default "first"), for 127.0.0.1 and localhost, signed by the CA
#   client.pem, client-key.pem      CN=device-1, for client authentication, signed by the CA
#   rogue.pem, rogue-key.pem        CN=device-1 again, self-signed: the CA never saw it
# usage: make-test-certificates.sh DIR [NAME]
set -eu
dir=$1
name=${2:-first}
cd "$dir"
curve="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
if [ ! -f ca.pem ]; then
    openssl req -x509 $curve -keyout ca-key.pem -out ca.pem -days 2 -subj "/CN=Prism Test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
sign() { # NAME SUBJECT EXTENSIONS
    openssl req $curve -keyout "$1-key.pem" -out "$1.csr" -subj "$2" 2>/dev/null
    printf '%s\n' "$3" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out "$1.pem" -days 2 \
        -extfile "$1.ext" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
}
sign server "/CN=$name" "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth"
sign client "/CN=device-1" "extendedKeyUsage=clientAuth"
openssl req -x509 $curve -keyout rogue-key.pem -out rogue.pem -days 2 -subj "/CN=device-1" 2>/dev/null
