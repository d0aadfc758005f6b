# Computes independent known-answer vectors for the SSH packet ciphers with pyca/cryptography.
import hmac, hashlib, struct
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.poly1305 import Poly1305

key64 = bytes(range(64))
seq = 7
# plaintext packet: packet_length, padding_length, payload, padding
payload = b"\x05\x00\x00\x00\x0cssh-userauth"
def packet(block, excl):
    pad = block - ((len(payload) + 5 - (4 if excl else 0)) % block)
    if pad < 4: pad += block
    plen = 1 + len(payload) + pad
    return struct.pack(">IB", plen, pad) + payload + bytes([0xA5]*pad), plen

# chacha20-poly1305@openssh.com
pkt, plen = packet(8, True)
k2, k1 = key64[:32], key64[32:]
nonce = struct.pack(">Q", seq)
def chacha(key, counter, data):
    c = Cipher(algorithms.ChaCha20(key, struct.pack("<Q", counter) + nonce), None).encryptor()
    return c.update(data)
enc_len = chacha(k1, 0, pkt[:4])
polykey = chacha(k2, 0, bytes(32))
enc_body = chacha(k2, 1, pkt[4:])
tag = Poly1305.generate_tag(polykey, enc_len + enc_body)
print("chacha plain", pkt.hex())
print("chacha sealed", (enc_len + enc_body + tag).hex())

# aes128-gcm
key, iv = bytes(range(16)), bytes(range(100, 112))
pkt, plen = packet(16, True)
ct = AESGCM(key).encrypt(iv, pkt[4:], pkt[:4])
print("gcm plain", pkt.hex())
print("gcm sealed", (pkt[:4] + ct).hex())

# aes128-ctr + hmac-sha2-256 (E&M) and -etm
civ = bytes(range(200, 216))
mkey = bytes(range(32))
pkt, plen = packet(16, False)
mac = hmac.new(mkey, struct.pack(">I", seq) + pkt, hashlib.sha256).digest()
enc = Cipher(algorithms.AES(key), modes.CTR(civ)).encryptor().update(pkt)
print("ctr plain", pkt.hex())
print("ctr sealed", (enc + mac).hex())
pkt, plen = packet(16, True)
enc = pkt[:4] + Cipher(algorithms.AES(key), modes.CTR(civ)).encryptor().update(pkt[4:])
mac = hmac.new(mkey, struct.pack(">I", seq) + enc, hashlib.sha256).digest()
print("etm plain", pkt.hex())
print("etm sealed", (enc + mac).hex())
