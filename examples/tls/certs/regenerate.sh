#!/usr/bin/env bash
# Regenerates the TLS examples' test certificates (docs/tls.md): an example CA and a server
# certificate for localhost and 127.0.0.1 that it signs, both ECDSA P-256, valid 2020-2120 (so a
# machine whose clock is off by years still accepts them). The CA's key is thrown away: these are
# for tests and examples only. Needs the openssl command.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/ca.cnf" <<CNF
[ca]
default_ca = example
[example]
dir = $work
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
organizationName = supplied
commonName = supplied
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
authorityKeyIdentifier = keyid
CNF
: >"$work/index.txt"
echo 01 >"$work/serial"
sign() { openssl ca -batch -notext -config "$work/ca.cnf" -startdate 20200101000000Z \
  -enddate 21200101000000Z "$@" 2>/dev/null; }
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

ec_key "$work/ca.key"
openssl req -new -key "$work/ca.key" -out "$work/ca.csr" \
  -subj "/O=asio_directsockets examples/CN=asio_directsockets example CA (not for production)"
sign -selfsign -keyfile "$work/ca.key" -extensions ca_ext -in "$work/ca.csr" -out ca.pem

ec_key server.key
openssl req -new -key server.key -out "$work/server.csr" \
  -subj "/O=asio_directsockets examples/CN=localhost"
sign -cert ca.pem -keyfile "$work/ca.key" -extensions server_ext -in "$work/server.csr" \
  -out server.pem
openssl verify -CAfile ca.pem server.pem
