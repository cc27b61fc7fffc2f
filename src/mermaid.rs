//! Mermaid flowchart output, for GitHub and other Markdown renderers.
//!
//! The same diagram as [`crate::dot`]. Labels are double-quoted and every
//! character Mermaid could read as syntax is written as an entity code
//! (`#34;`) in a single pass, so a name like `end --> %% x` stays a name.

use std::fmt::Write as _;

use crate::diagram::{self, Shape, View, CRITICAL, STATUS_COLOURS};
use crate::graph::{DataKind, EdgeKind};
use crate::report::Analysis;

/// Escapes text for a double-quoted Mermaid label: syntax characters become
/// decimal entity codes (`"` → `#34;`), a newline becomes `<br/>`, other
/// control characters a space.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' | '#' | '&' | '<' | '>' | '[' | ']' | '{' | '}' | '(' | ')' | '|' | '%' | '`'
            | ';' | '\\' => {
                let _ = write!(out, "#{};", c as u32);
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
    let d = diagram::layout(a, view);
    let mut out = String::new();
    let _ = writeln!(out, "---\ntitle: \"{}\"\n---", escape(&d.title));
    out.push_str("flowchart LR\n");
    for n in &d.nodes {
        let label: Vec<String> = n.lines.iter().map(|l| escape(l)).collect();
        let label = label.join("<br/>");
        let (open, close) = match n.shape {
            Shape::Stage => ("(\"", "\")"),
            Shape::Data(DataKind::Source) => ("[(\"", "\")]"),
            Shape::Data(DataKind::RawDataset) => ("[/\"", "\"/]"),
            Shape::Data(DataKind::Dataset) => ("[\"", "\"]"),
            Shape::Data(DataKind::ExportTarget) => ("[[\"", "\"]]"),
        };
        let mut class = n.status.to_owned();
        if n.root_cause {
            class.push_str(",rootcause");
        } else if n.critical {
            class.push_str(",critical");
        }
        let _ = writeln!(out, "  {}{open}{label}{close}", n.name);
        let _ = writeln!(out, "  class {} {class}", n.name);
    }
    let mut critical_links = Vec::new();
    for (i, e) in d.edges.iter().enumerate() {
        let arrow = if e.kind == EdgeKind::DependsOn {
            "-->"
        } else {
            "-.->"
        };
        let _ = writeln!(
            out,
            "  {} {arrow} {}",
            d.nodes[e.from].name, d.nodes[e.to].name
        );
        if e.critical {
            critical_links.push(i.to_string());
        }
    }
    for (status, fill, border) in STATUS_COLOURS {
        let _ = writeln!(
            out,
            "  classDef {status} fill:{fill},stroke:{border},color:#212121"
        );
    }
    out.push_str("  classDef rootcause stroke:#b71c1c,stroke-width:4px\n");
    let _ = writeln!(
        out,
        "  classDef critical stroke:{CRITICAL},stroke-width:3px"
    );
    if !critical_links.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:{CRITICAL},stroke-width:3px",
            critical_links.join(",")
        );
    }
    out
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
