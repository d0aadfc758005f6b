#!/bin/sh
# Regenerates the private-key fixtures with OpenSSH's ssh-keygen (and openssl for formats ssh-keygen cannot
# write). Run from this directory; files are committed so the default build needs neither tool.
# Every encrypted key's passphrase is in PASS below. Names: <type>_<format>[_<cipher>].
set -eu
PASS='correct horse battery'
rm -f -- *_* message.txt
printf 'private key fixture message\n' > message.txt
for spec in "ed25519:-t ed25519" "ecdsa256:-t ecdsa -b 256" "ecdsa384:-t ecdsa -b 384" "ecdsa521:-t ecdsa -b 521" "rsa:-t rsa -b 2048"; do
  t=${spec%%:*}; opts=${spec#*:}
  ssh-keygen -q $opts -N '' -C "fixture $t" -f "${t}_openssh"
  mv "${t}_openssh.pub" "${t}.pub"
  # openssh-key-v1 encrypted: default cipher (aes256-ctr) and aes256-gcm, few bcrypt rounds to keep tests fast
  cp "${t}_openssh" "${t}_openssh_aes256-ctr"; ssh-keygen -q -p -a 4 -N "$PASS" -P '' -f "${t}_openssh_aes256-ctr"
  cp "${t}_openssh" "${t}_openssh_aes256-gcm"
  ssh-keygen -q -p -a 4 -Z aes256-gcm@openssh.com -N "$PASS" -P '' -f "${t}_openssh_aes256-gcm"
  if [ "$t" != ed25519 ]; then
    # PKCS#8 (plain and encrypted) and traditional PEM (plain and encrypted) written by ssh-keygen/OpenSSL
    cp "${t}_openssh" "${t}_pkcs8"; ssh-keygen -q -p -m PKCS8 -N '' -P '' -f "${t}_pkcs8"
    cp "${t}_openssh" "${t}_pkcs8_encrypted"; ssh-keygen -q -p -m PKCS8 -N "$PASS" -P '' -f "${t}_pkcs8_encrypted"
    cp "${t}_openssh" "${t}_pem"; ssh-keygen -q -p -m PEM -N '' -P '' -f "${t}_pem"
    cp "${t}_openssh" "${t}_pem_encrypted"; ssh-keygen -q -p -m PEM -N "$PASS" -P '' -f "${t}_pem_encrypted"
  else
    # ssh-keygen writes Ed25519 only as openssh-key-v1; OpenSSL writes its PKCS#8 forms.
    openssl genpkey -algorithm ed25519 -out ed25519_pkcs8
    openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -passout "pass:$PASS" -in ed25519_pkcs8 -out ed25519_pkcs8_encrypted
    openssl pkey -in ed25519_pkcs8 -pubout -outform DER -out ed25519_pkcs8.pub.der
  fi
done
# RSA PEM encrypted with 3DES and PKCS#8 with PBKDF2-HMAC-SHA1, as older OpenSSL wrote them.
openssl rsa -in rsa_pem -des3 -passout "pass:$PASS" -traditional -out rsa_pem_des3 2>/dev/null
openssl pkcs8 -topk8 -v2 aes-128-cbc -v2prf hmacWithSHA1 -passout "pass:$PASS" -in rsa_pem -out rsa_pkcs8_sha1
# Formats we do not support, for the error messages.
ssh-keygen -q -t dsa -N '' -f dsa_openssh 2>/dev/null || true
openssl genpkey -algorithm x25519 -out x25519_pkcs8
rm -f -- dsa_openssh.pub
# PKCS#8 encryptions we do not support (scrypt KDF, PKCS#12 PBE), for the error messages.
openssl pkcs8 -topk8 -scrypt -passout "pass:$PASS" -in ecdsa256_pem -out ecdsa256_pkcs8_scrypt
openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -passout "pass:$PASS" -in ecdsa256_pem -out ecdsa256_pkcs8_pbe_sha1_3des
