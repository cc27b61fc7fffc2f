//! Graphviz DOT output.
//!
//! Our own writer rather than petgraph's `Dot`: that one leaves attribute
//! text unescaped and says its output may change between versions, and a
//! stage name may hold quotes, backslashes, newlines or `"]; x -> y [`. Every
//! label goes through [`escape`]; node names are generated (`s0`, `d0`).

use std::io::{self, Write};

use crate::analysis::Analysis;
use crate::diagram::{self, Diagram, Shape, View, CRITICAL};
use crate::graph::{DataKind, EdgeKind};
use crate::status::Status;

/// Escapes text for a double-quoted DOT string used as a label: `"` and `\`
/// are escaped, `&` is written `&amp;` (Graphviz decodes entities in labels),
/// a newline becomes DOT's `\n` line break, `\r` is dropped, and other control
/// characters become U+FFFD (Graphviz and SVG cannot carry them).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            // Graphviz decodes HTML entities in every label: `&amp;` would
            // be drawn as `&`. Writing each `&` as `&amp;` draws it as itself.
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The run's diagram as DOT.
pub fn render(a: &Analysis<'_, '_>, view: View) -> String {
    crate::report::text::to_string(|out| write(out, a, view))
}

/// Writes the run's diagram as DOT into `out`.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn write(out: &mut dyn Write, a: &Analysis<'_, '_>, view: View) -> io::Result<()> {
    write_diagram(out, &diagram::layout(a, view), view)
}

fn write_diagram(out: &mut dyn Write, d: &Diagram, view: View) -> io::Result<()> {
    out.write_all("digraph lineage {\n".as_bytes())?;
    writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"{}\"];",
        escape(&d.title)
    )?;
    out.write_all("  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\", penwidth=1.2];\n".as_bytes())?;
    out.write_all("  edge [color=\"#616161\", arrowsize=0.7];\n".as_bytes())?;

    let data_group = |kind: DataKind| match kind {
        DataKind::Source => Some(("sources", "Sources")),
        DataKind::ExportTarget => Some(("targets", "Export targets")),
        _ => None,
    };
    let mut groups: Vec<(&str, &str, Vec<String>)> = Vec::new();
    for n in &d.nodes {
        let (fill, border) = (n.status.fill(), n.status.border());
        let label: Vec<String> = n.lines.iter().map(|l| escape(l)).collect();
        let mut attrs = format!(
            "label=\"{}\", fillcolor=\"{fill}\", color=\"{border}\"",
            label.join("\\n")
        );
        match n.shape {
            Shape::Stage => {}
            Shape::Data(DataKind::Source) => attrs.push_str(", shape=cylinder, style=filled"),
            Shape::Data(DataKind::RawDataset) => attrs.push_str(", shape=note, style=filled"),
            Shape::Data(DataKind::Dataset) => attrs.push_str(", shape=folder, style=filled"),
            Shape::Data(DataKind::ExportTarget) => attrs.push_str(", shape=box3d, style=filled"),
        }
        if n.status == Status::Unknown && n.shape == Shape::Stage {
            attrs.push_str(", style=\"rounded,filled,dashed\"");
        }
        if n.root_cause {
            attrs.push_str(", penwidth=3, peripheries=2");
        } else if n.critical {
            attrs.push_str(&format!(", penwidth=2.5, color=\"{CRITICAL}\""));
        }
        let line = format!("{} [{attrs}];", n.name);
        match n.shape {
            Shape::Data(kind) if data_group(kind).is_some() => {
                let (id, title) = data_group(kind).unwrap_or(("data", "Data"));
                match groups.iter_mut().find(|g| g.0 == id) {
                    Some(g) => g.2.push(line),
                    None => groups.push((id, title, vec![line])),
                }
            }
            _ => {
                writeln!(out, "  {line}")?;
            }
        }
    }
    for (id, title, lines) in &groups {
        writeln!(out, "  subgraph cluster_{id} {{")?;
        writeln!(
            out,
            "    label=\"{title}\"; style=\"rounded,dashed\"; color=\"#9e9e9e\"; fontsize=10;"
        )?;
        for l in lines {
            writeln!(out, "    {l}")?;
        }
        out.write_all("  }\n".as_bytes())?;
    }
    for e in &d.edges {
        let from = &d.nodes[e.from].name;
        let to = &d.nodes[e.to].name;
        let mut attrs = Vec::new();
        if e.kind != EdgeKind::DependsOn {
            attrs.push("style=dashed".to_owned());
        }
        if e.critical {
            attrs.push(format!("color=\"{CRITICAL}\", penwidth=2.5"));
        }
        if attrs.is_empty() {
            writeln!(out, "  {from} -> {to};")?;
        } else {
            writeln!(out, "  {from} -> {to} [{}];", attrs.join(", "))?;
        }
    }

    // Legend: one swatch per status, plus the marks.
    out.write_all("  subgraph cluster_legend {\n".as_bytes())?;
    out.write_all(
        "    label=\"Legend\"; style=\"rounded\"; color=\"#bdbdbd\"; fontsize=10;\n".as_bytes(),
    )?;
    out.write_all("    node [fontsize=9, width=0, height=0, margin=\"0.08,0.04\"];\n".as_bytes())?;
    for (i, status) in Status::ALL.iter().enumerate() {
        writeln!(
            out,
            "    legend{i} [label=\"{status}\", fillcolor=\"{}\", color=\"{}\"];",
            status.fill(),
            status.border()
        )?;
    }
    out.write_all("    legend_root [label=\"root cause\", fillcolor=\"#ffffff\", color=\"#212121\", penwidth=3, peripheries=2];\n".as_bytes())?;
    writeln!(out, "    legend_critical [label=\"critical path\", fillcolor=\"#ffffff\", color=\"{CRITICAL}\", penwidth=2.5];")?;
    if view == View::Lineage {
        out.write_all(
            "    legend_data [label=\"data flow (dashed edge)\", shape=plaintext, style=\"\"];\n"
                .as_bytes(),
        )?;
    }
    let names: Vec<String> = (0..Status::ALL.len())
        .map(|i| format!("legend{i}"))
        .collect();
    writeln!(
        out,
        "    {} -> legend_root -> legend_critical [style=invis];",
        names.join(" -> ")
    )?;
    out.write_all("  }\n".as_bytes())?;
    out.write_all("}\n".as_bytes())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        assert_eq!(escape(r#""]; x -> y ["#), r#"\"]; x -> y ["#);
        assert_eq!(escape("a\\b\nc"), "a\\\\b\\nc");
        assert_eq!(escape("bell\u{7}"), "bell\u{FFFD}");
        assert_eq!(escape("ends with \\"), "ends with \\\\");
        assert_eq!(escape("R&D &amp;"), "R&amp;D &amp;amp;");
    }
}
