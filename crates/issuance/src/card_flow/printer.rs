//! The printed side of a card: one renderer per card generation, and the card's output folder.

use crate::{Error, Result};
use citizen::{CardGeneration, Record};
use std::collections::BTreeMap;
use std::path::Path;

/// Card templates, one renderer per card generation (prepared once, shared by all workers).
pub struct Printer {
    renderers: BTreeMap<&'static str, print::Renderer>,
}

/// Why a record's card cannot be laid out. The text is what the journal stores after
/// `record ID: ` when the record is rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// No template was loaded for the record's card generation.
    #[error("no template for {0}")]
    NoTemplate(&'static str),
    /// The template refused the record (a field too long for its box, a photo it cannot place).
    /// Boxed: a print error is large, and a rejected record's reason should not make every
    /// card's result that large.
    #[error("card layout: {0}")]
    Layout(#[source] Box<print::PrintError>),
}

impl Printer {
    /// Loads `DIR/cccd-2021` and `DIR/cancuoc-2024` at `dpi`.
    pub fn load(templates: &Path, dpi: u32) -> Result<Printer> {
        let mut renderers = BTreeMap::new();
        for g in ["cccd-2021", "cancuoc-2024"] {
            let dir = templates.join(g);
            let r = print::Renderer::load(&dir, dpi).map_err(|e| Error::Template {
                path: dir.clone(),
                source: Box::new(e),
            })?;
            renderers.insert(g, r);
        }
        Ok(Printer { renderers })
    }

    /// Both sides of the record's card, laid out by its generation's template.
    pub fn render(&self, record: &Record) -> std::result::Result<print::RenderedCard, RenderError> {
        let key = match record.card_generation {
            CardGeneration::Cccd2021 => "cccd-2021",
            CardGeneration::Cancuoc2024 => "cancuoc-2024",
        };
        let r = self
            .renderers
            .get(key)
            .ok_or(RenderError::NoTemplate(key))?;
        r.render(record)
            .map_err(|e| RenderError::Layout(Box::new(e)))
    }
}

/// Writes a rendered card to `out/ID/` (front.png, back.png, card.pdf); returns the folder, which
/// the journal keeps as the job's artifacts.
pub(crate) fn write_card(out: &Path, id: &str, card: &print::RenderedCard) -> Result<String> {
    let dir = out.join(id);
    print::write_outputs(card, &dir, false).map_err(|e| Error::CardOutput {
        path: dir.clone(),
        source: Box::new(e),
    })?;
    Ok(dir.display().to_string())
}
