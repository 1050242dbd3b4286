//! RustCrypto `signature` traits over any [`Signer`], so the `x509-cert` and `cms` builders can
//! sign with a software key or a PKCS#11 key alike. (Our own certificates, CRLs and SODs are built
//! from their TBS structures in [`crate::certs`] and [`crate::sod`]; this adapter is for code that
//! prefers the builders.)

use crate::signer::Signer;
use der::asn1::BitString;
use spki::{
    AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey,
    SignatureBitStringEncoding, SubjectPublicKeyInfoOwned,
};

/// Borrows a [`Signer`] as a RustCrypto signer (`signature::Signer<DerSignature>` + `Keypair`).
pub struct RustCryptoSigner<'a>(pub &'a dyn Signer);

/// The public key half, as the builders want it.
#[derive(Clone, Debug)]
pub struct PublicKey(pub SubjectPublicKeyInfoOwned);

impl EncodePublicKey for PublicKey {
    fn to_public_key_der(&self) -> spki::Result<der::Document> {
        Ok(der::Document::encode_msg(&self.0)?)
    }
}

/// A DER `ECDSA-Sig-Value` as produced by [`Signer::sign`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerSignature(pub Vec<u8>);

impl SignatureBitStringEncoding for DerSignature {
    fn to_bitstring(&self) -> der::Result<BitString> {
        BitString::from_bytes(&self.0)
    }
}

impl signature::Keypair for RustCryptoSigner<'_> {
    type VerifyingKey = PublicKey;
    fn verifying_key(&self) -> PublicKey {
        PublicKey(self.0.public_key().clone())
    }
}

impl DynSignatureAlgorithmIdentifier for RustCryptoSigner<'_> {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        Ok(self.0.signature_algorithm())
    }
}

impl signature::Signer<DerSignature> for RustCryptoSigner<'_> {
    fn try_sign(&self, msg: &[u8]) -> Result<DerSignature, signature::Error> {
        self.0
            .sign(msg)
            .map(DerSignature)
            .map_err(|_| signature::Error::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certs::{build_name, random_serial};
    use crate::signer::Curve;
    use crate::softkey::SoftwareSigner;
    use der::Encode;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::time::Validity;

    #[test]
    fn x509_cert_builder_signs_through_the_adapter() {
        let dir = tempfile::tempdir().expect("tmp");
        let key = SoftwareSigner::generate_to_file(
            Curve::P256,
            &dir.path().join("k.key"),
            &crate::Secret::new("pw".into()),
        )
        .expect("key");
        let adapter = RustCryptoSigner(&key);
        let name = build_name("VN", "adapter test", "", "builder").expect("name");
        let builder = CertificateBuilder::new(
            Profile::Root,
            random_serial().expect("serial"),
            Validity::from_now(std::time::Duration::from_secs(3600)).expect("validity"),
            name,
            key.public_key().clone(),
            &adapter,
        )
        .expect("builder");
        let cert = builder.build::<DerSignature>().expect("build");
        let tbs = cert.tbs_certificate.to_der().expect("tbs");
        crate::sigverify::verify_signature(
            key.public_key(),
            &cert.signature_algorithm,
            None,
            &tbs,
            cert.signature.raw_bytes(),
        )
        .expect("the builder's certificate verifies");
    }
}
