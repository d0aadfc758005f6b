#!/bin/sh
# Regenerates the KRL fixtures from the committed keys and certificates (run generate.sh first if those
# change). ssh-keygen -k picks the encoding (list, range, bitmap) it finds most compact.
set -eu
rm -f krl_*
# host_ed25519-cert.pub has serial 42 and key id host1-id, signed by ca_ed25519.
printf 'serial: 42\n' > spec && ssh-keygen -q -k -f krl_serial -s ca_ed25519.pub spec
printf 'serial: 40-50\n' > spec && ssh-keygen -q -k -f krl_range -s ca_ed25519.pub spec
printf 'serial: 1\nserial: 3\nserial: 5\nserial: 8\nserial: 13\nserial: 21\nserial: 34\nserial: 42\nserial: 44\n' > spec
ssh-keygen -q -k -f krl_bitmap -s ca_ed25519.pub spec
printf 'id: host1-id\n' > spec && ssh-keygen -q -k -f krl_keyid -s ca_ed25519.pub spec
printf 'serial: 42\n' > spec && ssh-keygen -q -k -f krl_other_ca -s ca_rsa.pub spec
ssh-keygen -q -k -f krl_explicit host_rsa.pub
printf 'sha256: %s\n' "$(cat host_ecdsa256.pub)" > spec && ssh-keygen -q -k -f krl_sha256 spec
printf 'hash: %s\n' "$(ssh-keygen -lf host_ed25519.pub | cut -d' ' -f2)" > spec && ssh-keygen -q -k -f krl_hash_ed25519 spec
ssh-keygen -q -k -f krl_ca ca_ed25519.pub
printf 'serial: 10-1000000\n' > spec && ssh-keygen -q -k -f krl_bigrange -s ca_ed25519.pub spec
printf 'sha1: %s\n' "$(cat host_rsa.pub)" > spec && ssh-keygen -q -k -f krl_sha1 spec
rm -f spec
# The expected answers, as ssh-keygen -Q gives them: "<krl> <key file> REVOKED|ok".
for f in krl_*; do
  [ "$f" = krl_expected.txt ] && continue
  for k in host_ed25519.pub host_rsa.pub host_ecdsa256.pub ca_ed25519.pub host_ed25519-cert.pub \
      host_ed25519-expired-cert.pub host_ed25519-otherca-cert.pub host_ecdsa256-cert.pub host_rsa-cert.pub; do
    if ssh-keygen -Q -f "$f" "$k" >/dev/null 2>&1; then r=ok; else r=REVOKED; fi
    echo "$f $k $r"
  done
done > krl_expected.txt
