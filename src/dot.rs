//! Graphviz DOT output.
//!
//! Our own writer rather than petgraph's `Dot`: that one leaves attribute
//! text unescaped and says its output may change between versions, and a
//! stage name may hold quotes, backslashes, newlines or `"]; x -> y [`. Every
//! label goes through [`escape`]; node names are generated (`s0`, `d0`).

use std::fmt::Write as _;

use crate::diagram::{self, Diagram, Shape, View, CRITICAL, STATUS_COLOURS};
use crate::graph::{DataKind, EdgeKind};
use crate::report::Analysis;

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
    write(&diagram::layout(a, view), view)
}

fn write(d: &Diagram, view: View) -> String {
    let mut out = String::new();
    out.push_str("digraph lineage {\n");
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"{}\"];",
        escape(&d.title)
    );
    out.push_str("  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\", penwidth=1.2];\n");
    out.push_str("  edge [color=\"#616161\", arrowsize=0.7];\n");

    let data_group = |kind: DataKind| match kind {
        DataKind::Source => Some(("sources", "Sources")),
        DataKind::ExportTarget => Some(("targets", "Export targets")),
        _ => None,
    };
    let mut groups: Vec<(&str, &str, Vec<String>)> = Vec::new();
    for n in &d.nodes {
        let (fill, border) = diagram::colours(n.status);
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
        if n.status == "unknown" && n.shape == Shape::Stage {
            attrs.push_str(", style=\"rounded,filled,dashed\"");
        }
        if n.root_cause {
            attrs.push_str(", penwidth=3, peripheries=2");
        } else if n.critical {
            let _ = write!(attrs, ", penwidth=2.5, color=\"{CRITICAL}\"");
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
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    for (id, title, lines) in &groups {
        let _ = writeln!(out, "  subgraph cluster_{id} {{");
        let _ = writeln!(
            out,
            "    label=\"{title}\"; style=\"rounded,dashed\"; color=\"#9e9e9e\"; fontsize=10;"
        );
        for l in lines {
            let _ = writeln!(out, "    {l}");
        }
        out.push_str("  }\n");
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
            let _ = writeln!(out, "  {from} -> {to};");
        } else {
            let _ = writeln!(out, "  {from} -> {to} [{}];", attrs.join(", "));
        }
    }

    // Legend: one swatch per status, plus the marks.
    out.push_str("  subgraph cluster_legend {\n");
    out.push_str("    label=\"Legend\"; style=\"rounded\"; color=\"#bdbdbd\"; fontsize=10;\n");
    out.push_str("    node [fontsize=9, width=0, height=0, margin=\"0.08,0.04\"];\n");
    for (i, (status, fill, border)) in STATUS_COLOURS.iter().enumerate() {
        let _ = writeln!(
            out,
            "    legend{i} [label=\"{status}\", fillcolor=\"{fill}\", color=\"{border}\"];"
        );
    }
    out.push_str("    legend_root [label=\"root cause\", fillcolor=\"#ffffff\", color=\"#212121\", penwidth=3, peripheries=2];\n");
    let _ = writeln!(out, "    legend_critical [label=\"critical path\", fillcolor=\"#ffffff\", color=\"{CRITICAL}\", penwidth=2.5];");
    if view == View::Lineage {
        out.push_str(
            "    legend_data [label=\"data flow (dashed edge)\", shape=plaintext, style=\"\"];\n",
        );
    }
    let names: Vec<String> = (0..STATUS_COLOURS.len())
        .map(|i| format!("legend{i}"))
        .collect();
    let _ = writeln!(
        out,
        "    {} -> legend_root -> legend_critical [style=invis];",
        names.join(" -> ")
    );
    out.push_str("  }\n");
    out.push_str("}\n");
    out
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
