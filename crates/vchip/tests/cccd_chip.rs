//! The cccd-chip profile in-process (chip-commands.md §2 and §3): extended length, FCP CREATE
//! FILE, odd INS D7/B1, on-chip AA key generation, ACTIVATE lock, memory capacity; plus the chip
//! image, tear injection and the in-process transport.

mod common;

use card::transport::Exchange;
use common::*;
use vchip::{CARD_ACCESS, Chip, InProcess, Lifecycle};

fn personalized() -> (Term, Files, Vec<u8>) {
    let mut t = Term::new(Chip::blank(cccd()));
    let f = files(20 * 1024);
    let aa = personalize_cccd(&mut t, &f);
    (t, f, aa)
}

fn odd_update(offset: u32, chunk: &[u8]) -> card::Command {
    let mut d = card::tlv::encode(0x54, &offset.to_be_bytes()[1..]);
    card::tlv::write(&mut d, 0x53, chunk);
    cmd(0, 0xD7, 0, 0).with_data(d)
}

fn odd_read(offset: u32, le: usize) -> card::Command {
    cmd(0, 0xB1, 0, 0)
        .with_data(card::tlv::encode(0x54, &offset.to_be_bytes()[1..]))
        .with_le(le)
}

#[test]
fn a_20k_dg2_goes_in_one_apdu_and_reads_back_after_bac() {
    let (mut t, files, _) = personalized();
    // 4 files: 4 CREATE + 4 UPDATE + SELECT AID + PUT MRZ + GENERATE + ACTIVATE.
    assert_eq!(t.chip().counters().apdus, 12);
    assert!(t.chip().is_locked());
    t.bac(DOC, DOB, DOE).unwrap();
    for (fid, data) in &files {
        assert_eq!(&read_file(&mut t, *fid, 65_536), data, "{fid:04X}");
    }
}

#[test]
fn perso_state_reads_are_plain_and_operational_reads_need_bac() {
    let mut t = Term::new(Chip::blank(cccd()));
    assert_eq!(t.sw(&fcp_create(0x011E, 4)), 0x9000);
    assert_eq!(
        t.sw(&update(0, &[0x60, 2, 1, 2])),
        0x9000,
        "FCP CREATE selects the file"
    );
    assert_eq!(t.send(&read(0, 256)).data, vec![0x60, 2, 1, 2]);
    assert_eq!(t.sw(&cmd(0, 0x44, 0, 0)), 0x9000);
    assert_eq!(t.chip().lifecycle(), Lifecycle::Operational);
    assert_eq!(t.sw(&read_sfi(0x1E, 0, 256)), 0x6982);
    assert_eq!(t.sw(&select_ef(0x011E)), 0x6982);
    assert_eq!(t.sw(&cmd(0, 0x44, 0, 0)), 0x6985, "irreversible");
}

#[test]
fn perso_commands_after_activate_answer_6985() {
    let (mut t, _, _) = personalized();
    assert_eq!(t.sw(&fcp_create(0x0103, 10)), 0x6985);
    assert_eq!(t.sw(&update(0, &[1])), 0x6985);
    assert_eq!(t.sw(&odd_update(0, &[1])), 0x6985);
    assert_eq!(t.sw(&put_mrz()), 0x6985);
    assert_eq!(
        t.sw(&cmd(0, 0x46, 0, 1).with_le(256)),
        0x6985,
        "no new AA key"
    );
    t.bac(DOC, DOB, DOE).unwrap();
    assert_eq!(t.sw(&fcp_create(0x0103, 10)), 0x6985);
}

#[test]
fn odd_ins_beyond_32767() {
    let mut t = Term::new(Chip::blank(cccd()));
    let big: Vec<u8> = (0..40_000u32).map(|i| (i % 253) as u8).collect();
    assert_eq!(t.sw(&fcp_create(0x0102, big.len() as u16)), 0x9000);
    assert_eq!(t.sw(&update(0, &big[..32_000])), 0x9000);
    assert_eq!(t.sw(&odd_update(32_000, &big[32_000..])), 0x9000);
    let r = t.send(&odd_read(32_767, 65_536));
    assert_eq!(r.sw, 0x9000);
    let (tag, value, _) = card::tlv::read(&r.data).unwrap();
    assert_eq!(tag, 0x53);
    assert_eq!(value, &big[32_767..]);
    // Even INS cannot address past 32767: P1 bit 8 means SFI.
    assert_eq!(t.sw(&odd_update(39_999, &[1, 2])), 0x6A84, "past the end");
    assert_eq!(t.sw(&odd_read(40_001, 16)), 0x6B00);
    assert_eq!(
        t.sw(&cmd(0, 0xB1, 0, 0).with_data(vec![0x53, 0]).with_le(16)),
        0x6A80
    );
    assert_eq!(
        t.sw(&cmd(0, 0xD7, 0, 0).with_data(h("540100")).with_le(16)),
        0x6A80
    );
    // B1 naming the file by SFI in P2.
    let r = t.send(&cmd(0, 0xB1, 0, 0x02).with_data(h("540100")).with_le(5));
    assert_eq!(
        r.data,
        card::tlv::encode(0x53, &big[..3]),
        "5 bytes including 53 03"
    );
}

#[test]
fn fcp_create_rules_and_memory_capacity() {
    let p = cccd();
    let mut t = Term::new(Chip::blank(p.clone()));
    assert_eq!(t.sw(&fcp_create(0x0101, 10)), 0x9000);
    assert_eq!(t.sw(&fcp_create(0x0101, 10)), 0x6A89, "exists");
    assert_eq!(
        t.sw(&cmd(0, 0xE0, 0, 0).with_data(h("6304000A0101"))),
        0x6A80
    );
    assert_eq!(
        t.sw(&cmd(0, 0xE0, 0, 0).with_data(h("6204800200 0A"))),
        0x6A80,
        "no FID"
    );
    assert_eq!(
        t.sw(&cmd(0, 0xE0, 0, 0).with_data(h("620883020103 88010B"))),
        0x6A80,
        "no size"
    );
    let with_sfi = cmd(0, 0xE0, 0, 0).with_data(h("620B 80020004 83020201 880128"));
    assert_eq!(t.sw(&with_sfi), 0x9000);
    assert_eq!(t.sw(&update(0, &[9, 8, 7, 6])), 0x9000);
    assert_eq!(
        t.send(&read_sfi(0x05, 1, 2)).data,
        vec![8, 7],
        "SFI from DO'88'"
    );
    // 80 KiB: two 32 KiB files fit, a third does not.
    let per = p.memory.per_file_overhead;
    let mut used = 10 + 4 + 2 * per;
    for fid in [0x0102u16, 0x0103] {
        assert_eq!(t.sw(&fcp_create(fid, 32_000)), 0x9000);
        used += 32_000 + per;
    }
    assert_eq!(t.sw(&fcp_create(0x0104, 32_000)), 0x6A84);
    let left = p.memory.capacity - used - per;
    assert_eq!(t.sw(&fcp_create(0x0104, left as u16 + 1)), 0x6A84);
    assert_eq!(t.sw(&fcp_create(0x0104, left as u16)), 0x9000);
    // Keys need room too.
    assert_eq!(t.sw(&cmd(0, 0x46, 0, 1).with_le(256)), 0x6A84);
}

#[test]
fn active_authentication_ecdsa_with_the_on_chip_key() {
    use p256::ecdsa::signature::Verifier;
    let (mut t, _, public) = personalized();
    t.bac(DOC, DOB, DOE).unwrap();
    let rnd = h("47E4EE7F211F7326");
    let r = t.send(&cmd(0, 0x88, 0, 0).with_data(rnd.clone()).with_le(256));
    assert_eq!(r.sw, 0x9000);
    assert_eq!(r.data.len(), 64, "plain r||s");
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&public).unwrap();
    let sig = p256::ecdsa::Signature::from_slice(&r.data).unwrap();
    vk.verify(&rnd, &sig).unwrap();
    // The private key stays on the chip: nothing reads it, and the state knows only the chip.
    assert_eq!(
        t.chip().state().ec_aa.as_ref().unwrap().public_point(),
        public
    );
}

#[test]
fn chip_authentication_key_is_generated_when_the_profile_asks() {
    let mut t = Term::new(Chip::blank(cccd()));
    let r = t.send(&cmd(0, 0x46, 0, 2).with_le(256));
    assert_eq!(r.sw, 0x9000);
    assert_eq!(r.data.len(), 5 + 65);
    let ca = t.chip().state().ca_key.as_ref().unwrap();
    assert_eq!(ca.public_point(), r.data[5..]);
    assert!(t.chip().state().ec_aa.is_none());
    // Without the profile entry (and Chip Authentication) there is no such command.
    let text = CCCD
        .replace(
            "generate_ca_key = { cla = 0x00, ins = 0x46, p1 = 0x00, p2 = 0x02 }\n",
            "",
        )
        .replace("chip_authentication = { kind = \"ecdh-p256\" }\n", "")
        .replace("chip_authentication = true", "chip_authentication = false");
    let mut plain = Term::new(Chip::blank(profile(&text)));
    assert_eq!(plain.sw(&cmd(0, 0x46, 0, 2).with_le(256)), 0x6A86);
}

#[test]
fn card_access_is_readable_without_bac_and_mf_select_is_refused() {
    let mut t = Term::new(Chip::blank(cccd()));
    assert_eq!(t.sw(&fcp_create(CARD_ACCESS, 3)), 0x9000);
    assert_eq!(t.sw(&update(0, &[0x31, 1, 0])), 0x9000);
    assert_eq!(t.sw(&cmd(0, 0x44, 0, 0)), 0x9000);
    assert_eq!(t.raw(&h("00A4020C02011C")), h("9000"));
    assert_eq!(t.send(&read(0, 256)).data, vec![0x31, 1, 0]);
    assert_eq!(t.send(&read_sfi(0x1C, 0, 256)).data, vec![0x31, 1, 0]);
    assert_eq!(t.raw(&h("00A4000C023F00")), h("6A82"));
}

#[test]
fn extended_le_gets_everything_and_short_le_00_gets_256() {
    let mut t = Term::new(Chip::blank(cccd()));
    let data: Vec<u8> = (0..3000u32).map(|i| i as u8).collect();
    assert_eq!(t.sw(&fcp_create(0x011D, 3000)), 0x9000);
    assert_eq!(t.sw(&update(0, &data)), 0x9000);
    let r = t.raw(&h("00B0000000"));
    assert_eq!(r.len(), 258, "short Le 00 = 256 bytes");
    let r = t.raw(&h("00B00000000000"));
    assert_eq!(&r[..3000], &data[..]);
    assert_eq!(&r[3000..], &[0x90, 0x00]);
    // Under SM with extended Le.
    assert_eq!(t.sw(&put_mrz()), 0x9000);
    t.bac(DOC, DOB, DOE).unwrap();
    assert_eq!(t.send(&read_sfi(0x1D, 0, 65_536)).data, data);
}

#[test]
fn image_carries_a_card_to_another_chip_instance() {
    let (t, files, public) = personalized();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    t.chip().save_image(&path).unwrap();
    drop(t);
    let chip = Chip::load_image(cccd(), &path).unwrap();
    assert!(chip.is_locked());
    let mut t = Term::new(chip);
    t.bac(DOC, DOB, DOE).unwrap();
    for (fid, data) in &files {
        assert_eq!(&read_file(&mut t, *fid, 65_536), data);
    }
    let r = t.send(&cmd(0, 0x88, 0, 0).with_data(vec![5; 8]).with_le(256));
    use p256::ecdsa::signature::Verifier;
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&public).unwrap();
    vk.verify(
        &[5; 8],
        &p256::ecdsa::Signature::from_slice(&r.data).unwrap(),
    )
    .unwrap();
    assert!(
        Chip::load_image(jmrtd(), &path).is_err(),
        "profile mismatch"
    );
}

#[test]
fn tear_keeps_what_was_written_and_removes_the_card() {
    let files = files(2000);
    for n in 1..=8u64 {
        let mut t = InProcess::new(Chip::blank(cccd())).tear_after(n);
        let mut done = 0;
        let cmds = [
            select_aid(),
            fcp_create(0x011E, files[0].1.len() as u16),
            update(0, &files[0].1),
            fcp_create(0x0101, files[1].1.len() as u16),
            update(0, &files[1].1),
            put_mrz(),
            cmd(0, 0x46, 0, 1).with_le(256),
            cmd(0, 0x44, 0, 0),
        ];
        for c in &cmds {
            match t.exchange(&c.to_bytes().unwrap()) {
                Ok(r) => {
                    assert_eq!(&r[r.len() - 2..], &[0x90, 0]);
                    done += 1;
                }
                Err(card::Error::CardRemoved) => break,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(done, n - 1, "APDU {n} is the torn one");
        assert!(t.is_removed());
        assert!(matches!(
            t.exchange(&h("0084000008")),
            Err(card::Error::CardRemoved)
        ));
        let chip = t.chip();
        assert_eq!(
            chip.is_locked(),
            n > 8,
            "never locked when torn before ACTIVATE"
        );
        assert_eq!(chip.file(0x011E).is_some(), n > 2);
        assert_eq!(chip.file(0x011E) == Some(&files[0].1[..]), n > 3);
        assert_eq!(chip.state().ec_aa.is_some(), n > 7);
        t.reinsert();
        assert_eq!(t.exchange(&h("0084000008")).unwrap().len(), 10);
    }
}

#[test]
fn in_process_transport_behaves_like_a_reader() {
    use card::Transport;
    let mut t = InProcess::new(Chip::blank(cccd()));
    assert_eq!(t.atr(), h("3B8480014343434402"));
    {
        let mut tx = t.transaction().unwrap();
        assert_eq!(
            tx.exchange(&h("00A4040C07A0000002471001")).unwrap(),
            h("9000")
        );
    }
    t.reset().unwrap();
    assert_eq!(t.apdus_sent(), 1);
    let mut torn = InProcess::new(Chip::blank(cccd())).tear_after(1);
    assert!(torn.exchange(&h("0084000008")).is_err());
    assert!(torn.transaction().is_err());
    assert!(torn.reset().is_err());
    let chip = torn.into_chip();
    assert_eq!(chip.counters().apdus, 0, "the torn APDU never ran");
}

#[test]
fn timing_model_sleeps_per_profile() {
    // Not a timing assertion: the realistic chip answers the same bytes.
    let mut fast = Chip::blank(cccd());
    let mut slow = Chip::blank(cccd());
    slow.set_timing(vchip::TimingMode::Realistic);
    for apdu in ["00A4040C07A0000002471001", "00A4000C023F00"] {
        assert_eq!(fast.process(&h(apdu)), slow.process(&h(apdu)));
    }
    assert_eq!(slow.counters().apdus, 2);
}
