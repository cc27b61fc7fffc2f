//! Escaping proved, not hoped: random names (any Unicode, control
//! characters, quotes, backslashes, brackets, `-->`, `%%`, `end`) go through
//! the real `dot`, and their text is read back from the SVG it draws; the
//! Mermaid labels are checked character by character and decoded back.

use dataprep_lineage::diagram::View;
use dataprep_lineage::{dot, mermaid, Analysis, LineageGraph};
use proptest::prelude::*;
use serde_json::json;

use crate::outputs::graphviz_svg;
use crate::support::parse;

/// Pieces that have broken DOT or Mermaid somewhere, to mix with any Unicode.
const NASTY: &[&str] = &[
    "\"",
    "\\",
    "\n",
    "\r",
    "\t",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "\u{85}",
    "\u{2028}",
    "\u{feff}",
    "\u{a0}",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "|",
    "<",
    ">",
    "<br/>",
    "&",
    "&amp;",
    "#",
    ";",
    "#34;",
    "%",
    "%%",
    "-->",
    "-.->",
    "end",
    "subgraph",
    "style",
    "click",
    "\\N",
    "\\n",
    "\\l",
    "\\G",
    "`",
    "'",
    "é",
    "漢字",
    "🎉",
    "\u{301}",
    "\u{202e}",
    "  ",
    " ",
];

fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            2 => prop::sample::select(NASTY).prop_map(str::to_owned),
            1 => any::<String>(),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

/// A failed chain of stages named `names`, each writing a dataset of the same
/// name (so that data nodes are drawn with it too in the lineage view).
fn document(names: &[String]) -> serde_json::Value {
    let id = |i: usize| format!("140570000075{:05}", i * 10);
    let instances: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            json!({
                "id": id(i),
                "execution_status": if i == 0 { -1 } else { 2 },
                "pipelinetask": {"name": n, "type": 10},
                "datasetaudit": {"id": format!("9{}", id(i)), "dataset": {"id": format!("8{}", id(i)), "name": n}},
            })
        })
        .collect();
    let mappers: serde_json::Map<_, _> = (0..names.len())
        .map(|i| {
            let parents: Vec<String> = if i == 0 { vec![] } else { vec![id(i - 1)] };
            (id(i), json!(parents))
        })
        .collect();
    json!({"pipelinerun": {
        "id": "14057000007500001",
        "execution_status": -1,
        "pipelinetaskinstancemappers": mappers,
        "pipelinetaskinstances": instances,
    }})
}

/// The lines `dot` should draw for a name: our DOT escape drops `\r`, turns
/// a tab into a space and other control characters but `\n` into U+FFFD;
/// Graphviz drops empty lines (and lines of spaces) and writes runs of
/// spaces as space + no-break space.
fn dot_lines(name: &str) -> Vec<String> {
    let mapped: String = name
        .chars()
        .filter(|&c| c != '\r')
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() && c != '\n' => '\u{FFFD}',
            c => c,
        })
        .collect();
    mapped
        .split('\n')
        .filter(|l| !l.trim().is_empty())
        .map(normalize_spaces)
        .collect()
}

fn normalize_spaces(s: &str) -> String {
    s.replace('\u{a0}', " ")
}

/// Decodes the XML character references and the five named entities.
fn xml_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').expect("entity ends with ;");
        let entity = &after[..end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ if entity.starts_with("#x") => {
                char::from_u32(u32::from_str_radix(&entity[2..], 16).unwrap()).unwrap()
            }
            _ if entity.starts_with('#') => char::from_u32(entity[1..].parse().unwrap()).unwrap(),
            other => panic!("unknown entity &{other};"),
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The text lines of every node the SVG draws, in document order.
fn svg_node_texts(svg: &str) -> Vec<Vec<String>> {
    svg.split("<g id=\"node")
        .skip(1)
        .map(|node| {
            let node = node.split("</g>").next().unwrap_or_default();
            node.split("<text")
                .skip(1)
                .map(|t| {
                    let body = &t[t.find('>').unwrap() + 1..];
                    let body = &body[..body.find("</text>").unwrap()];
                    normalize_spaces(&xml_unescape(body))
                })
                .collect()
        })
        .collect()
}

/// Decodes a Mermaid label written by [`mermaid::escape`], after checking
/// that nothing in it is Mermaid syntax.
fn mermaid_decode(label: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = label;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("<br/>") {
            out.push('\n');
            rest = after;
        } else if c == '#' {
            let end = rest.find(';').ok_or("a `#` that starts no entity")?;
            let code: u32 = rest[1..end]
                .parse()
                .map_err(|_| "a `#` that starts no entity")?;
            out.push(char::from_u32(code).ok_or("an entity that is no character")?);
            rest = &rest[end + 1..];
        } else if "\"[]{}()|<>%`;\\&".contains(c) || c.is_control() {
            return Err(format!("raw {c:?} in label {label:?}"));
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(out)
}

/// Every quoted label of the flowchart's node lines.
fn mermaid_labels(chart: &str) -> Vec<String> {
    chart
        .lines()
        .filter(|l| l.starts_with("  s") || l.starts_with("  d"))
        .filter_map(|l| {
            let open = l.find('"')?;
            let close = l.rfind('"')?;
            (close > open).then(|| l[open + 1..close].to_owned())
        })
        .collect()
}

/// Both views of the diagram of a run whose stages and datasets are `names`.
fn render_views(names: &[String], render: fn(&Analysis<'_, '_>, View) -> String) -> Vec<String> {
    let summary = parse(&document(names));
    let graph = LineageGraph::build(&summary).unwrap();
    let analysis = Analysis::new(&graph);
    [View::Stages, View::Lineage]
        .into_iter()
        .map(|view| render(&analysis, view))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_names_round_trip_through_real_dot(names in prop::collection::vec(name(), 1..4)) {
        for text in render_views(&names, dot::render) {
            let Some(svg) = graphviz_svg(&text) else { return Ok(()) };
            let svg = svg.map_err(|e| TestCaseError::fail(format!("dot rejected:\n{text}\n{e}")))?;
            let drawn = svg_node_texts(&svg);
            for n in &names {
                let want = dot_lines(n);
                prop_assert!(
                    drawn.iter().any(|texts| texts.starts_with(&want)),
                    "name {n:?}: lines {want:?} not drawn; nodes drawn: {drawn:?}"
                );
            }
        }
    }

    #[test]
    fn mermaid_labels_hold_no_syntax_and_decode_to_the_names(names in prop::collection::vec(name(), 1..4)) {
        for chart in render_views(&names, mermaid::render) {
            let decoded: Vec<String> = mermaid_labels(&chart)
                .iter()
                .map(|l| mermaid_decode(l))
                .collect::<Result<_, _>>()
                .map_err(TestCaseError::fail)?;
            for n in &names {
                // Mermaid's escape keeps newlines (as `<br/>`) and turns other
                // control characters into spaces.
                let want: String = n
                    .chars()
                    .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
                    .collect();
                prop_assert!(
                    decoded.iter().any(|l| l.strip_prefix(want.as_str()).is_some_and(|rest| rest.starts_with('\n'))),
                    "name {n:?} not decoded back; labels: {decoded:?}"
                );
            }
        }
    }
}
