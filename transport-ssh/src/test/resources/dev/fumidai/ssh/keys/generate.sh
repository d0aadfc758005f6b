#!/bin/sh
# Regenerates the key fixtures of the keys/known_hosts tests with OpenSSH's ssh-keygen.
# Run from this directory; the files are committed so the default build needs no ssh-keygen.
set -eu
rm -f id_* ca_* host_* tmp_* known_hosts_* *.sig *.fp message.txt
printf 'fumidai signed message\n' > message.txt
for spec in "ed25519:" "ecdsa256:-t ecdsa -b 256" "ecdsa384:-t ecdsa -b 384" "ecdsa521:-t ecdsa -b 521" "rsa:-t rsa -b 2048"; do
  name=${spec%%:*}; opts=${spec#*:}
  [ "$name" = ed25519 ] && opts="-t ed25519"
  ssh-keygen -q $opts -N '' -C "fixture-$name" -f "id_$name"
  ssh-keygen -q -Y sign -f "id_$name" -n file message.txt
  mv message.txt.sig "id_$name.sig"
  ssh-keygen -lf "id_$name.pub" | cut -d" " -f2 > "id_$name.fp"
done

# Certificate authorities and host keys.
ssh-keygen -q -t ed25519 -N '' -C ca-ed25519 -f ca_ed25519
ssh-keygen -q -t rsa -b 2048 -N '' -C ca-rsa -f ca_rsa
ssh-keygen -q -t ecdsa -b 384 -N '' -C ca-ecdsa384 -f ca_ecdsa384
ssh-keygen -q -t ed25519 -N '' -C ca-other -f ca_other
ssh-keygen -q -t ed25519 -N '' -C host-ed25519 -f host_ed25519
ssh-keygen -q -t ecdsa -b 256 -N '' -C host-ecdsa256 -f host_ecdsa256
ssh-keygen -q -t rsa -b 2048 -N '' -C host-rsa -f host_rsa

# cert NAME KEY CA ARGS...: signs KEY.pub with CA and keeps the result as NAME-cert.pub
cert() {
  name=$1; key=$2; ca=$3; shift 3
  cp "$key.pub" "tmp_$name.pub"
  ssh-keygen -q -s "$ca" "$@" "tmp_$name.pub"
  mv "tmp_$name-cert.pub" "$name-cert.pub"
  rm "tmp_$name.pub"
}
cert host_ed25519 host_ed25519 ca_ed25519 -I host1-id -h -n host1,host1.example.com -z 42 -V 20200101:20991231
cert host_ed25519-expired host_ed25519 ca_ed25519 -I expired -h -n host1 -V 20000101:20010101
cert host_ed25519-future host_ed25519 ca_ed25519 -I future -h -n host1 -V 20980101:20991231
cert host_ed25519-noprincipals host_ed25519 ca_ed25519 -I noprincipals -h -V 20200101:20991231
cert host_ed25519-wrongprincipal host_ed25519 ca_ed25519 -I wrong -h -n otherhost -V 20200101:20991231
cert host_ed25519-usertype host_ed25519 ca_ed25519 -I usertype -n host1 -V 20200101:20991231
cert host_ed25519-otherca host_ed25519 ca_other -I otherca -h -n host1 -V 20200101:20991231
cert host_ecdsa256 host_ecdsa256 ca_rsa -I ecdsa-host -h -n host1 -V 20200101:20991231
cert host_ecdsa256-sha1ca host_ecdsa256 ca_rsa -t ssh-rsa -I sha1 -h -n host1 -V 20200101:20991231
cert host_rsa host_rsa ca_ecdsa384 -I rsa-host -h -n host1 -V 20200101:20991231
cert id_ed25519 id_ed25519 ca_ed25519 -I alice@example -n alice,bob -z 7 -V 20200101:20991231 \
  -O force-command=/bin/true -O source-address=127.0.0.1/32
ssh-keygen -L -f id_ed25519-cert.pub > id_ed25519-cert.txt

# A known_hosts file hashed by ssh-keygen -H (host1 on port 22 and [host1]:2222).
{ printf 'host1 '; cat host_ed25519.pub; printf '[host1]:2222 '; cat host_ecdsa256.pub; } > known_hosts_hashed
ssh-keygen -q -H -f known_hosts_hashed >/dev/null 2>&1
rm -f known_hosts_hashed.old
