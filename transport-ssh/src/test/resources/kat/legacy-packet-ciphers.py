# Computes independent known-answer vectors for the opt-in legacy SSH packet ciphers (RFC 4253 §6.3, §6.4;
# OpenSSH PROTOCOL §1.5 for -etm) with pyca/cryptography and hmac: two consecutive packets each, so the CBC
# chaining from one packet to the next (RFC 4253 §6.3) is covered. Keys, IVs and MAC keys as in
# packet-ciphers.py: key = bytes(0..n), iv = bytes(200..), MAC key = bytes(0..20); sequence numbers 7 and 8.
import hmac, hashlib, struct
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
try:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:
    TripleDES = algorithms.TripleDES

payloads = [b"\x05\x00\x00\x00\x0cssh-userauth", b"\x02\x00\x00\x00\x03abc"]

def packet(payload, block, etm):
    pad = block - ((len(payload) + 5 - (4 if etm else 0)) % block)
    if pad < 4: pad += block
    plen = 1 + len(payload) + pad
    return struct.pack(">IB", plen, pad) + payload + bytes([0xA5] * pad)

def run(name, algo, block, etm):
    enc = Cipher(algo, modes.CBC(bytes(range(200, 200 + block)))).encryptor()
    mkey = bytes(range(20))
    for i, payload in enumerate(payloads):
        seq = 7 + i
        pkt = packet(payload, block, etm)
        if etm:
            ct = pkt[:4] + enc.update(pkt[4:])
            mac = hmac.new(mkey, struct.pack(">I", seq) + ct, hashlib.sha1).digest()
        else:
            mac = hmac.new(mkey, struct.pack(">I", seq) + pkt, hashlib.sha1).digest()
            ct = enc.update(pkt)
        print(name, i, "plain", pkt.hex())
        print(name, i, "sealed", (ct + mac).hex())

run("aes128-cbc+hmac-sha1", algorithms.AES(bytes(range(16))), 16, False)
run("aes256-cbc+hmac-sha1-etm@openssh.com", algorithms.AES(bytes(range(32))), 16, True)
run("3des-cbc+hmac-sha1", TripleDES(bytes(range(24))), 8, False)
