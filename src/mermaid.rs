//! Mermaid flowchart output, for GitHub and other Markdown renderers.
//!
//! The same diagram as [`crate::dot`]. Labels are double-quoted and every
//! character Mermaid could read as syntax is written as an entity code
//! (`#34;`) in a single pass, so a name like `end --> %% x` stays a name.

use std::io::{self, Write};

use crate::analysis::Analysis;
use crate::diagram::{self, DiagramOptions, Focus, Shape, View, COLLAPSED, CRITICAL, FOCUSED};
use crate::graph::{DataKind, EdgeKind};
use crate::status::Status;

/// Escapes text for a double-quoted Mermaid label: syntax characters become
/// decimal entity codes (`"` → `#34;`), a newline becomes `<br/>`, other
/// control characters a space.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' | '#' | '&' | '<' | '>' | '[' | ']' | '{' | '}' | '(' | ')' | '|' | '%' | '`'
            | ';' | '\\' => {
                out.push_str(&format!("#{};", c as u32));
            }
            '\n' => out.push_str("<br/>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The run's diagram as a Mermaid flowchart.
pub fn render(a: &Analysis<'_, '_>, view: View) -> String {
    crate::report::text::to_string(|out| write(out, a, view))
}

/// Writes the run's diagram as a Mermaid flowchart into `out`.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn write(out: &mut dyn Write, a: &Analysis<'_, '_>, view: View) -> io::Result<()> {
    write_focused(out, a, view, Focus::All)
}

/// Writes the part of the run's diagram that `focus` keeps as a Mermaid
/// flowchart.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn write_focused(
    out: &mut dyn Write,
    a: &Analysis<'_, '_>,
    view: View,
    focus: Focus,
) -> io::Result<()> {
    write_with(out, a, DiagramOptions::as_asked(view, focus))
}

/// Writes the diagram `options` ask for as a Mermaid flowchart.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn write_with(
    out: &mut dyn Write,
    a: &Analysis<'_, '_>,
    options: DiagramOptions,
) -> io::Result<()> {
    let d = diagram::layout_with(a, options);
    writeln!(out, "---\ntitle: \"{}\"\n---", escape(&d.title))?;
    out.write_all("flowchart LR\n".as_bytes())?;
    for n in &d.nodes {
        let label: Vec<String> = n.lines.iter().map(|l| escape(l)).collect();
        let label = label.join("<br/>");
        let (open, close) = match n.shape {
            Shape::Stage | Shape::Collapsed => ("(\"", "\")"),
            Shape::Data(DataKind::Source) => ("[(\"", "\")]"),
            Shape::Data(DataKind::RawDataset) => ("[/\"", "\"/]"),
            Shape::Data(DataKind::Dataset) => ("[\"", "\"]"),
            Shape::Data(DataKind::ExportTarget) => ("[[\"", "\"]]"),
        };
        writeln!(out, "  {}{open}{label}{close}", n.name)?;
        if n.shape == Shape::Collapsed {
            writeln!(out, "  class {} collapsed", n.name)?;
            continue;
        }
        // One class a statement: `class s1 failed,rootcause` would name one
        // class called "failed,rootcause", and draw neither.
        writeln!(out, "  class {} {}", n.name, n.status.label())?;
        for (mark, on) in [
            ("rootcause", n.root_cause),
            ("blocked", n.blocked),
            ("critical", n.critical),
            ("focused", n.focused),
        ] {
            if on {
                writeln!(out, "  class {} {mark}", n.name)?;
            }
        }
    }
    let mut critical_links = Vec::new();
    for (i, e) in d.edges.iter().enumerate() {
        let arrow = if e.kind == EdgeKind::DependsOn && !e.collapsed {
            "-->"
        } else {
            "-.->"
        };
        writeln!(
            out,
            "  {} {arrow} {}",
            d.nodes[e.from].name, d.nodes[e.to].name
        )?;
        if e.critical {
            critical_links.push(i.to_string());
        }
    }
    for status in Status::ALL {
        writeln!(
            out,
            "  classDef {status} fill:{},stroke:{},color:#212121",
            crate::palette::fill(status),
            crate::palette::border(status)
        )?;
    }
    out.write_all("  classDef blocked stroke-dasharray:5 4\n".as_bytes())?;
    writeln!(
        out,
        "  classDef critical stroke:{CRITICAL},stroke-width:3px"
    )?;
    // After `critical`: a root cause on the critical path keeps its width
    // and the path's colour.
    out.write_all("  classDef rootcause stroke-width:5px,font-weight:bold\n".as_bytes())?;
    if d.nodes.iter().any(|n| n.focused) {
        writeln!(out, "  classDef focused stroke:{FOCUSED},stroke-width:4px")?;
    }
    if d.nodes.iter().any(|n| n.shape == Shape::Collapsed) {
        writeln!(
            out,
            "  classDef collapsed fill:#fafafa,stroke:{COLLAPSED},stroke-dasharray:5 4,color:#616161"
        )?;
    }
    if !critical_links.is_empty() {
        writeln!(
            out,
            "  linkStyle {} stroke:{CRITICAL},stroke-width:3px",
            critical_links.join(",")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn metacharacters_become_entities() {
        assert_eq!(escape("a \"b\""), "a #34;b#34;");
        assert_eq!(escape("end --> %%"), "end --#62; #37;#37;");
        assert_eq!(escape("x\ny"), "x<br/>y");
    }
}
