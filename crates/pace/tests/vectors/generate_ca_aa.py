"""Generates ca-aa.json: independent known-answer values for Chip Authentication (ECDH + ICAO
KDF) and an ECDSA P-256 Active Authentication signature, computed with pyca/cryptography and
hashlib (not with the Rust code under test). Run: python3 generate_ca_aa.py > ca-aa.json"""
import hashlib, json
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives import hashes, serialization

def kdf(k, c, cipher):
    if cipher in ('3DES', 'AES-128'):
        out = hashlib.sha1(k + c.to_bytes(4, 'big')).digest()[:16]
    else:
        out = hashlib.sha256(k + c.to_bytes(4, 'big')).digest()[:24 if cipher == 'AES-192' else 32]
    if cipher == '3DES':
        out = bytes((b & 0xFE) | (bin(b & 0xFE).count('1') % 2 == 0) for b in out)
    return out

def point(pub):
    return pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

H = lambda b: b.hex().upper()
curves = {'NIST P-256': ec.SECP256R1(), 'brainpoolP256r1': ec.BrainpoolP256R1()}
ca = []
d_ic = int('2B3AE5E6C2BA58E3A3B8D64AEC4A53D7A1E4F0AC5D7C7E50A0B3F6D77C38A1E9', 16)
d_pcd = int('5F2D19A0C47E3D28B8E61C37A9F0B4D2E6A185C3F79D20B4A8E3C6F1D7092B3C', 16)
for name, curve in curves.items():
    sk_ic = ec.derive_private_key(d_ic, curve)
    sk_pcd = ec.derive_private_key(d_pcd, curve)
    k = sk_pcd.exchange(ec.ECDH(), sk_ic.public_key())
    assert k == sk_ic.exchange(ec.ECDH(), sk_pcd.public_key())
    for cipher in ('3DES', 'AES-128', 'AES-256'):
        ca.append({'curve': name, 'cipher': cipher,
                   'SK_IC': '%064X' % d_ic, 'PK_IC': H(point(sk_ic.public_key())),
                   'SK_PCD': '%064X' % d_pcd, 'PK_PCD': H(point(sk_pcd.public_key())),
                   'K': H(k), 'K_enc': H(kdf(k, 1, cipher)), 'K_mac': H(kdf(k, 2, cipher))})

aa = []
d_aa = int('1C5A9E3B7D2F4A6C8E0B1D3F5A7C9E2B4D6F8A0C1E3B5D7F9A2C4E6B8D0F1A3C', 16)
for name, curve in curves.items():
    key = ec.derive_private_key(d_aa, curve)
    rnd_ifd = bytes.fromhex('F173589974BF40C6')
    der = key.sign(rnd_ifd, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    aa.append({'curve': name, 'hash': 'SHA-256', 'Q': H(point(key.public_key())), 'RND.IFD': H(rnd_ifd),
               'signature_plain_r_s': '%064X%064X' % (r, s), 'signature_der': H(der)})

print(json.dumps({'title': 'Chip Authentication and ECDSA Active Authentication known answers, '
                  'computed with pyca/cryptography + hashlib by generate_ca_aa.py (SYNTHETIC: no '
                  'published ICAO vector exists for these)', 'ca': ca, 'aa': aa}, indent=1))
