//! A small PDF 1.6 writer for the card: two pages at the exact physical card size, each with the
//! background raster, the photo, the QR code as vector squares, and all text as real text in the
//! embedded fonts (Type0 / Identity-H, glyph ids as CIDs, a ToUnicode map so the text can be
//! searched and extracted). TrueType fonts go in as FontFile2, CFF-flavoured OpenType (OCR-B)
//! as FontFile3/OpenType, which is why the file says PDF 1.6.

use crate::fonts::{FontKind, LoadedFont};
use crate::render::{RenderedCard, RenderedSide};
use crate::text::MM_PER_PT;
use ab_glyph::Font;
use image::RgbImage;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

const PT_PER_MM: f32 = 72.0 / 25.4;

struct Writer {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl Writer {
    fn new() -> Writer {
        let mut out = Vec::new();
        out.extend_from_slice(b"%PDF-1.6\n%\xE2\xE3\xCF\xD3\n");
        Writer {
            out,
            offsets: Vec::new(),
        }
    }

    /// Reserves an object number (objects may be written in any order).
    fn alloc(&mut self) -> usize {
        self.offsets.push(0);
        self.offsets.len()
    }

    fn obj(&mut self, n: usize, body: &str) {
        self.offsets[n - 1] = self.out.len();
        self.out
            .extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
    }

    /// A stream; `dict` holds extra entries (without `/Length`).
    fn stream(&mut self, n: usize, dict: &str, data: &[u8]) {
        self.offsets[n - 1] = self.out.len();
        self.out.extend_from_slice(
            format!("{n} 0 obj\n<< {dict} /Length {} >>\nstream\n", data.len()).as_bytes(),
        );
        self.out.extend_from_slice(data);
        self.out.extend_from_slice(b"\nendstream\nendobj\n");
    }

    fn finish(mut self, root: usize) -> Vec<u8> {
        let xref = self.out.len();
        let mut s = format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len() + 1);
        for off in &self.offsets {
            let _ = writeln!(s, "{off:010} 00000 n ");
        }
        let _ = write!(
            s,
            "trailer\n<< /Size {} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            self.offsets.len() + 1
        );
        self.out.extend_from_slice(s.as_bytes());
        self.out
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

fn num(v: f32) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

fn image_xobject(w: &mut Writer, img: &RgbImage, deflated: Option<&[u8]>) -> usize {
    let n = w.alloc();
    let dict = format!(
        "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode",
        img.width(),
        img.height()
    );
    match deflated {
        Some(d) => w.stream(n, &dict, d),
        None => w.stream(n, &dict, &deflate(img.as_raw())),
    }
    n
}

/// A PostScript-safe font name from the file name.
fn base_name(f: &LoadedFont) -> String {
    let stem = f
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("Font");
    let clean: String = stem
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if clean.is_empty() {
        "Font".into()
    } else {
        clean
    }
}

/// Embeds one font with the glyphs the card uses (widths and Unicode map for those glyphs).
fn embed_font(w: &mut Writer, f: &LoadedFont, used: &BTreeMap<u16, char>) -> usize {
    let upem = f.units_per_em;
    let k = 1000.0 / upem;
    let name = base_name(f);
    let file = w.alloc();
    let compressed = f.deflated.get_or_init(|| deflate(&f.bytes));
    match f.kind {
        FontKind::TrueType => w.stream(
            file,
            &format!("/Length1 {} /Filter /FlateDecode", f.bytes.len()),
            compressed,
        ),
        FontKind::Cff => w.stream(file, "/Subtype /OpenType /Filter /FlateDecode", compressed),
    }
    let (mut x0, mut y0, mut x1, mut y1) = (
        0f32,
        f.font.descent_unscaled(),
        0f32,
        f.font.ascent_unscaled(),
    );
    for gid in used.keys() {
        if let Some(o) = f.font.outline(ab_glyph::GlyphId(*gid)) {
            x0 = x0.min(o.bounds.min.x);
            x1 = x1.max(o.bounds.max.x);
            y0 = y0.min(o.bounds.min.y.min(o.bounds.max.y));
            y1 = y1.max(o.bounds.max.y.max(o.bounds.min.y));
        }
    }
    let desc = w.alloc();
    let file_key = match f.kind {
        FontKind::TrueType => "FontFile2",
        FontKind::Cff => "FontFile3",
    };
    w.obj(
        desc,
        &format!(
            "<< /Type /FontDescriptor /FontName /{name} /Flags 32 /FontBBox [{} {} {} {}] /ItalicAngle 0 /Ascent {} /Descent {} /CapHeight {} /StemV 80 /{file_key} {file} 0 R >>",
            num(x0 * k),
            num(y0 * k),
            num(x1 * k),
            num(y1 * k),
            num(f.font.ascent_unscaled() * k),
            num(f.font.descent_unscaled() * k),
            num(f.cap_height_em() * 1000.0),
        ),
    );
    let mut widths = String::new();
    for gid in used.keys() {
        let _ = write!(
            widths,
            "{gid} [{}] ",
            num(f.advance_em(ab_glyph::GlyphId(*gid)) * 1000.0)
        );
    }
    let cid = w.alloc();
    let (subtype, map) = match f.kind {
        FontKind::TrueType => ("CIDFontType2", " /CIDToGIDMap /Identity"),
        FontKind::Cff => ("CIDFontType0", ""),
    };
    w.obj(
        cid,
        &format!(
            "<< /Type /Font /Subtype /{subtype} /BaseFont /{name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {desc} 0 R /DW 1000 /W [{widths}]{map} >>"
        ),
    );
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<_> = used.iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (gid, ch) in chunk {
            let mut buf = [0u16; 2];
            let hex: String = ch
                .encode_utf16(&mut buf)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(cmap, "<{gid:04X}> <{hex}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    let tounicode = w.alloc();
    w.stream(tounicode, "/Filter /FlateDecode", &deflate(cmap.as_bytes()));
    let type0 = w.alloc();
    w.obj(
        type0,
        &format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H /DescendantFonts [{cid} 0 R] /ToUnicode {tounicode} 0 R >>"
        ),
    );
    type0
}

/// The content stream of one page.
fn page_content(card: &RenderedCard, side: &RenderedSide) -> String {
    let (pw, ph) = (card.width_mm * PT_PER_MM, card.height_mm * PT_PER_MM);
    let mut c = String::new();
    let _ = writeln!(c, "q {} 0 0 {} 0 0 cm /Bg Do Q", num(pw), num(ph));
    if let Some(p) = &side.photo {
        let _ = writeln!(
            c,
            "q {} 0 0 {} {} {} cm /Ph Do Q",
            num(p.w_mm * PT_PER_MM),
            num(p.h_mm * PT_PER_MM),
            num(p.x_mm * PT_PER_MM),
            num(ph - (p.y_mm + p.h_mm) * PT_PER_MM)
        );
    }
    if let Some(q) = &side.qr {
        let px_to_pt = 72.0 / card.dpi as f32;
        let (zx, zy, zs) = q.zone;
        let _ = writeln!(
            c,
            "1 1 1 rg {} {} {} {} re f",
            num(zx as f32 * px_to_pt),
            num(ph - (zy + zs) as f32 * px_to_pt),
            num(zs as f32 * px_to_pt),
            num(zs as f32 * px_to_pt)
        );
        c.push_str("0 0 0 rg\n");
        let m = q.module_px as f32 * px_to_pt;
        for (i, dark) in q.dark.iter().enumerate() {
            if *dark {
                let (mx, my) = ((i % q.width) as u32, (i / q.width) as u32);
                let x = (q.x_px + mx * q.module_px) as f32 * px_to_pt;
                let y = ph - (q.y_px + (my + 1) * q.module_px) as f32 * px_to_pt;
                let _ = writeln!(c, "{} {} {} {} re", num(x), num(y), num(m), num(m));
            }
        }
        c.push_str("f\n");
    }
    for run in &side.runs {
        let f = &card.fonts.fonts[run.font];
        let size_mm = run.size_pt * MM_PER_PT;
        let Some(first) = run.glyphs.first() else {
            continue;
        };
        let [r, g, b] = run.color.0;
        let _ = write!(
            c,
            "BT /F{} {} Tf {} {} {} rg 1 0 0 1 {} {} Tm [",
            run.font,
            num(run.size_pt),
            num(r as f32 / 255.0),
            num(g as f32 / 255.0),
            num(b as f32 / 255.0),
            num((run.x_mm + first.dx_mm) * PT_PER_MM),
            num(ph - run.baseline_mm * PT_PER_MM)
        );
        let mut expected = first.dx_mm;
        c.push('<');
        for g in &run.glyphs {
            let delta = g.dx_mm - expected;
            if delta.abs() > 1e-4 {
                // TJ numbers are thousandths of the font size, positive moving left.
                let _ = write!(c, "> {} <", num(-delta / size_mm * 1000.0));
            }
            let _ = write!(c, "{:04X}", g.id.0);
            expected = g.dx_mm + f.advance_em(g.id) * size_mm;
        }
        c.push_str(">] TJ ET\n");
    }
    c
}

/// The whole card as a two-page PDF (front, back).
pub fn card_pdf(card: &RenderedCard) -> Vec<u8> {
    let mut w = Writer::new();
    let catalog = w.alloc();
    let pages = w.alloc();

    // Fonts: each one used on either side, with its used glyphs.
    let mut used: BTreeMap<usize, BTreeMap<u16, char>> = BTreeMap::new();
    for side in [&card.front, &card.back] {
        for run in &side.runs {
            let e = used.entry(run.font).or_default();
            for g in &run.glyphs {
                e.entry(g.id.0).or_insert(g.ch);
            }
        }
    }
    let mut font_objs = BTreeMap::new();
    for (idx, glyphs) in &used {
        font_objs.insert(*idx, embed_font(&mut w, &card.fonts.fonts[*idx], glyphs));
    }

    let (pw, ph) = (card.width_mm * PT_PER_MM, card.height_mm * PT_PER_MM);
    let mut kids = Vec::new();
    for side in [&card.front, &card.back] {
        let bg_data = side
            .background
            .deflated
            .get_or_init(|| deflate(side.background.image.as_raw()));
        let bg = image_xobject(&mut w, &side.background.image, Some(bg_data));
        let photo = side
            .photo
            .as_ref()
            .map(|p| image_xobject(&mut w, &p.image, None));
        let content = w.alloc();
        w.stream(
            content,
            "/Filter /FlateDecode",
            &deflate(page_content(card, side).as_bytes()),
        );
        let side_fonts: BTreeSet<usize> = side.runs.iter().map(|r| r.font).collect();
        let fonts: String = side_fonts
            .iter()
            .map(|i| format!("/F{i} {} 0 R ", font_objs[i]))
            .collect();
        let mut xobjects = format!("/Bg {bg} 0 R");
        if let Some(p) = photo {
            let _ = write!(xobjects, " /Ph {p} 0 R");
        }
        let page = w.alloc();
        w.obj(
            page,
            &format!(
                "<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {} {}] /TrimBox [0 0 {} {}] /Resources << /Font << {fonts}>> /XObject << {xobjects} >> >> /Contents {content} 0 R >>",
                num(pw),
                num(ph),
                num(pw),
                num(ph)
            ),
        );
        kids.push(page);
    }
    let kids_s: String = kids.iter().map(|k| format!("{k} 0 R ")).collect();
    w.obj(
        pages,
        &format!("<< /Type /Pages /Kids [{kids_s}] /Count {} >>", kids.len()),
    );
    w.obj(catalog, &format!("<< /Type /Catalog /Pages {pages} 0 R >>"));
    w.finish(catalog)
}
