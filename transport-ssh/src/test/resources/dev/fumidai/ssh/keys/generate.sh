#!/bin/sh
# Regenerates the key fixtures of the keys/known_hosts tests with OpenSSH's ssh-keygen.
# Run from this directory; the files are committed so the default build needs no ssh-keygen.
set -eu
rm -f id_* ca_* host_* *.sig *.fp message.txt
printf 'fumidai signed message\n' > message.txt
for spec in "ed25519:" "ecdsa256:-t ecdsa -b 256" "ecdsa384:-t ecdsa -b 384" "ecdsa521:-t ecdsa -b 521" "rsa:-t rsa -b 2048"; do
  name=${spec%%:*}; opts=${spec#*:}
  [ "$name" = ed25519 ] && opts="-t ed25519"
  ssh-keygen -q $opts -N '' -C "fixture-$name" -f "id_$name"
  ssh-keygen -q -Y sign -f "id_$name" -n file message.txt
  mv message.txt.sig "id_$name.sig"
  ssh-keygen -lf "id_$name.pub" | cut -d" " -f2 > "id_$name.fp"
done
