//! Graphviz DOT output.
//!
//! Our own writer rather than petgraph's `Dot`: that one leaves attribute
//! text unescaped and says its output may change between versions, and a
//! stage name may hold quotes, backslashes, newlines or `"]; x -> y [`. Every
//! label goes through [`escape`]; node names are generated (`s0`, `d0`).

use std::io::{self, Write};

use crate::analysis::Analysis;
use crate::diagram::{
    self, Diagram, DiagramNode, DiagramOptions, Focus, Shape, View, COLLAPSED, CRITICAL, FOCUSED,
};
use crate::graph::{DataKind, EdgeKind};
use crate::status::Status;

/// Escapes text for a double-quoted DOT string used as a label: `"` and `\`
/// are escaped, `&` is written `&amp;` (Graphviz decodes entities in labels),
/// a newline becomes DOT's `\n` line break, `\r` is dropped, a tab is a
/// space, and other control characters become U+FFFD (Graphviz and SVG
/// cannot carry them).
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
            '\t' => out.push(' '),
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
    write_focused(out, a, view, Focus::All)
}

/// Writes the part of the run's diagram that `focus` keeps as DOT.
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
    write_diagram(out, &diagram::layout_focused(a, view, focus))
}

/// Writes the diagram `options` ask for as DOT.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn write_with(
    out: &mut dyn Write,
    a: &Analysis<'_, '_>,
    options: DiagramOptions,
) -> io::Result<()> {
    write_diagram(out, &diagram::layout_with(a, options))
}

/// The attributes of one node: its label, one fill, one border colour (the
/// critical path's orange wins over the status colour), one style, and the
/// double border of a root cause.
fn node_attrs(n: &DiagramNode) -> String {
    let label: Vec<String> = n.lines.iter().map(|l| escape(l)).collect();
    if n.shape == Shape::Collapsed {
        return format!(
            "label=\"{}\", fillcolor=\"#fafafa\", color=\"{COLLAPSED}\", fontcolor=\"#616161\", style=\"rounded,filled,dashed\"",
            label.join("\\n")
        );
    }
    let border = if n.focused {
        FOCUSED
    } else if n.critical {
        CRITICAL
    } else {
        crate::palette::border(n.status)
    };
    let mut attrs = format!(
        "label=\"{}\", fillcolor=\"{}\", color=\"{border}\"",
        label.join("\\n"),
        crate::palette::fill(n.status)
    );
    let shape = match n.shape {
        Shape::Stage | Shape::Collapsed => None,
        Shape::Data(DataKind::Source) => Some("cylinder"),
        Shape::Data(DataKind::RawDataset) => Some("note"),
        Shape::Data(DataKind::Dataset) => Some("folder"),
        Shape::Data(DataKind::ExportTarget) => Some("box3d"),
    };
    if let Some(shape) = shape {
        attrs.push_str(&format!(", shape={shape}"));
    }
    let style = match (n.shape, n.blocked || n.placeholder) {
        (Shape::Stage | Shape::Collapsed, true) => "rounded,filled,dashed",
        (Shape::Stage | Shape::Collapsed, false) => "rounded,filled",
        (Shape::Data(_), true) => "filled,dashed",
        (Shape::Data(_), false) => "filled",
    };
    attrs.push_str(&format!(", style=\"{style}\""));
    match (n.root_cause, n.critical || n.focused) {
        (true, _) => attrs.push_str(", penwidth=3, peripheries=2"),
        (false, true) => attrs.push_str(", penwidth=2.5"),
        _ => {}
    }
    attrs
}

fn write_diagram(out: &mut dyn Write, d: &Diagram) -> io::Result<()> {
    out.write_all("digraph lineage {\n".as_bytes())?;
    // `nslimit` bounds the network-simplex passes that place nodes: a
    // 200-stage chain whose stages all read five shared sources did not
    // finish in 60 s without it (long edges become thousands of virtual
    // nodes), 1.8 s with it (BENCHMARKS.md); small diagrams converge well
    // before the bound.
    writeln!(
        out,
        "  graph [rankdir=LR, nslimit=4, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"{}\"];",
        escape(&d.title)
    )?;
    out.write_all(
        "  node [fontname=\"Helvetica\", fontsize=10, shape=box, penwidth=1.2];\n".as_bytes(),
    )?;
    out.write_all("  edge [color=\"#616161\", arrowsize=0.7];\n".as_bytes())?;

    let data_group = |kind: DataKind| match kind {
        DataKind::Source => Some(("sources", "Sources")),
        DataKind::ExportTarget => Some(("targets", "Export targets")),
        _ => None,
    };
    let mut groups: Vec<(&str, &str, Vec<String>)> = Vec::new();
    for n in &d.nodes {
        let line = format!("{} [{}];", n.name, node_attrs(n));
        match n.shape {
            Shape::Data(kind) if data_group(kind).is_some() => {
                let (id, title) = data_group(kind).unwrap_or(("data", "Data"));
                match groups.iter_mut().find(|g| g.0 == id) {
                    Some(g) => g.2.push(line),
                    None => groups.push((id, title, vec![line])),
                }
            }
            _ => writeln!(out, "  {line}")?,
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
        if e.kind != EdgeKind::DependsOn || e.collapsed {
            attrs.push("style=dashed".to_owned());
        }
        if e.collapsed {
            attrs.push(format!("color=\"{COLLAPSED}\""));
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
    legend(out, d)?;
    out.write_all("}\n".as_bytes())
}

/// The legend: one node holding a table (so it takes one rank, not a row
/// of ranks wider than the graph), explaining only what the diagram shows —
/// the statuses present, the shapes of the data present, the marks and the
/// edge styles used.
fn legend(out: &mut dyn Write, d: &Diagram) -> io::Result<()> {
    let mut rows: Vec<String> = Vec::new();
    let cell = |fill: &str, border: &str, style: &str, text: &str| {
        format!(
            "<tr><td bgcolor=\"{fill}\" color=\"{border}\" border=\"1\" width=\"18\" style=\"{style}\"></td><td align=\"left\">{text}</td></tr>"
        )
    };
    for status in Status::ALL {
        if d.nodes
            .iter()
            .any(|n| n.status == status && n.shape != Shape::Collapsed)
        {
            rows.push(cell(
                crate::palette::fill(status),
                crate::palette::border(status),
                "rounded",
                status.label(),
            ));
        }
    }
    let mut shapes = Vec::new();
    for (kind, shape) in [
        (DataKind::Source, "cylinder: source"),
        (DataKind::RawDataset, "note: raw dataset"),
        (DataKind::Dataset, "folder: dataset"),
        (DataKind::ExportTarget, "box3d: export target"),
    ] {
        if d.nodes.iter().any(|n| n.shape == Shape::Data(kind)) {
            shapes.push(shape);
        }
    }
    if !shapes.is_empty() {
        rows.push(format!(
            "<tr><td colspan=\"2\" align=\"left\">{}<br align=\"left\"/></td></tr>",
            shapes.join("<br align=\"left\"/>")
        ));
    }
    let mut marks = Vec::new();
    if d.nodes.iter().any(|n| n.root_cause) {
        marks.push("double border: root cause");
    }
    if d.nodes.iter().any(|n| n.blocked) {
        marks.push("dashed border: blocked by a failure upstream");
    }
    if d.nodes.iter().any(|n| n.critical) {
        marks.push("orange: critical path");
    }
    if d.nodes.iter().any(|n| n.focused) {
        marks.push("blue border: the focused stage");
    }
    if d.nodes.iter().any(|n| n.shape == Shape::Collapsed) {
        marks.push("dashed grey box: stages left out to keep the diagram readable");
    }
    if d.edges.iter().any(|e| e.kind != EdgeKind::DependsOn) {
        marks.push("dashed arrow: data flow; solid: runs after");
    }
    if !marks.is_empty() {
        rows.push(format!(
            "<tr><td colspan=\"2\" align=\"left\">{}<br align=\"left\"/></td></tr>",
            marks.join("<br align=\"left\"/>")
        ));
    }
    if rows.is_empty() {
        // Nothing to explain (a run with no stages): Graphviz rejects an
        // empty `<table></table>`, so no legend at all.
        return Ok(());
    }
    writeln!(out, "  subgraph cluster_legend {{")?;
    writeln!(
        out,
        "    label=\"Legend\"; style=\"rounded\"; color=\"#bdbdbd\"; fontsize=10;"
    )?;
    writeln!(
        out,
        "    legend [shape=plaintext, fontsize=9, label=<<table border=\"0\" cellspacing=\"2\" cellpadding=\"2\">{}</table>>];",
        rows.concat()
    )?;
    out.write_all("  }\n".as_bytes())
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
