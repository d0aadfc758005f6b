# Computes a curve25519-sha256 exchange hash and derived keys (RFC 8731, RFC 4253 §7.2, §8) independently of
# the Java code, with pyca/cryptography and hashlib, from the RFC 7748 §6.1 key pairs.
import hashlib, struct
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

alice = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
bob_pub = bytes.fromhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
priv = X25519PrivateKey.from_private_bytes(alice)
qc = priv.public_key().public_bytes_raw()
shared = priv.exchange(X25519PublicKey.from_public_bytes(bob_pub))

def string(b): return struct.pack(">I", len(b)) + b
def mpint(b):
    b = b.lstrip(b"\0")
    if b and b[0] & 0x80: b = b"\0" + b
    return string(b)

vc, vs = b"SSH-2.0-fumidai_test", b"SSH-2.0-OpenSSH_9.2"
ic, is_ = bytes([20]) + bytes(range(16)), bytes([20]) + bytes(range(16, 32))
ks = string(b"ssh-ed25519") + string(bytes(32))
k = mpint(shared)
h = hashlib.sha256(string(vc) + string(vs) + string(ic) + string(is_) + string(ks) + string(qc) + string(bob_pub) + k).digest()
print("qc", qc.hex())
print("shared", shared.hex())
print("K", k.hex())
print("H", h.hex())
def derive(letter, n):
    out = hashlib.sha256(k + h + letter + h).digest()
    while len(out) < n:
        out += hashlib.sha256(k + h + out).digest()
    return out[:n]
print("A64", derive(b"A", 64).hex())
