//! The two pictures of a page, as inline SVG: the lineage (a layered
//! drawing of a [`Diagram`]) and the timeline (a Gantt chart of a
//! [`Timeline`]). Coordinates are integers or one decimal, so the same
//! input gives the same bytes.

use std::io::{self, Write};

use super::{clip, Esc};
use crate::diagram::{Diagram, Shape, COLLAPSED, CRITICAL, FOCUSED};
use crate::graph::EdgeKind;
use crate::layered::layered;
use crate::palette::{border, fill};
use crate::report::{human_duration, Timeline};
use crate::status::Status;

/// A lineage node's width and height, and the gaps between them.
const NODE_W: i64 = 190;
const NODE_H: i64 = 58;
const GAP_X: i64 = 70;
const GAP_Y: i64 = 18;
const MARGIN: i64 = 16;

/// Draws the lineage: nodes in layers left to right, edges as curves.
pub(super) fn lineage(out: &mut dyn Write, d: &Diagram) -> io::Result<()> {
    let edges: Vec<(usize, usize)> = d.edges.iter().map(|e| (e.from, e.to)).collect();
    let l = layered(d.nodes.len(), &edges);
    let height = l.height() as i64;
    let width_px = MARGIN * 2 + (l.layers.len() as i64) * (NODE_W + GAP_X) - GAP_X;
    let height_px = MARGIN * 2 + height * (NODE_H + GAP_Y) - GAP_Y;
    let (width_px, height_px) = (
        width_px.max(NODE_W + 2 * MARGIN),
        height_px.max(NODE_H + 2 * MARGIN),
    );
    let at = |v: usize| -> (i64, i64) {
        let layer = l.layer[v] as i64;
        let len = l.layers[l.layer[v]].len() as i64;
        let offset = (height - len) * (NODE_H + GAP_Y) / 2;
        (
            MARGIN + layer * (NODE_W + GAP_X),
            MARGIN + offset + l.rank[v] as i64 * (NODE_H + GAP_Y),
        )
    };
    writeln!(
        out,
        "<svg class=\"zoomable\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width_px} {height_px}\" width=\"{width_px}\" height=\"{height_px}\" role=\"img\" aria-label=\"Lineage: {} nodes\">",
        d.nodes.len()
    )?;
    writeln!(
        out,
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"#8c959f\"/></marker></defs>"
    )?;
    writeln!(out, "<g class=\"edges\">")?;
    for e in &d.edges {
        if e.from >= d.nodes.len() || e.to >= d.nodes.len() {
            continue;
        }
        let (x1, y1) = at(e.from);
        let (x2, y2) = at(e.to);
        let (x1, y1, x2, y2) = (x1 + NODE_W, y1 + NODE_H / 2, x2, y2 + NODE_H / 2);
        let dx = ((x2 - x1) / 2).max(30);
        let mut class = String::from("e");
        if e.critical {
            class.push_str(" crit");
        }
        let dash = if e.collapsed || e.kind != EdgeKind::DependsOn {
            " stroke-dasharray=\"4 3\""
        } else {
            ""
        };
        writeln!(
            out,
            "<path class=\"{class}\" data-a=\"{}\" data-b=\"{}\" d=\"M{x1} {y1}C{} {y1} {} {y2} {x2} {y2}\" marker-end=\"url(#arrow)\"{dash}/>",
            e.from,
            e.to,
            x1 + dx,
            x2 - dx,
        )?;
    }
    writeln!(out, "</g>")?;
    writeln!(out, "<g class=\"nodes\">")?;
    for (i, n) in d.nodes.iter().enumerate() {
        let (x, y) = at(i);
        node(out, i, n, x, y)?;
    }
    writeln!(out, "</g>")?;
    writeln!(out, "</svg>")
}

/// One node: a box coloured by status, marked as the DOT legend marks it.
fn node(
    out: &mut dyn Write,
    i: usize,
    n: &crate::diagram::DiagramNode,
    x: i64,
    y: i64,
) -> io::Result<()> {
    let mut class = String::from("n");
    let (mut stroke, mut width, mut dash, rx) = (border(n.status), 1.5, "", 6);
    let (fill_colour, rx) = match n.shape {
        Shape::Stage => (fill(n.status), rx),
        Shape::Data(_) => (fill(n.status), 22),
        Shape::Collapsed => ("#ffffff", rx),
    };
    if n.critical {
        class.push_str(" crit");
        stroke = CRITICAL;
        width = 2.5;
    }
    if n.blocked {
        class.push_str(" blk");
        dash = " stroke-dasharray=\"5 3\"";
    }
    if n.root_cause {
        class.push_str(" rc");
        stroke = border(Status::Failed);
        width = 3.5;
    }
    if n.focused {
        class.push_str(" foc");
        stroke = FOCUSED;
        width = 3.5;
    }
    if let Shape::Collapsed = n.shape {
        class.push_str(" col");
        stroke = COLLAPSED;
        dash = " stroke-dasharray=\"5 3\"";
    }
    if let Shape::Data(_) = n.shape {
        class.push_str(" data");
    }
    let stage = n.stage.map_or_else(String::new, |s| {
        format!(" data-s=\"{}\" tabindex=\"0\"", s.index())
    });
    let title = n.lines.join("\n");
    writeln!(
        out,
        "<g class=\"{class}\" data-n=\"{i}\"{stage}><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"{rx}\" fill=\"{fill_colour}\" stroke=\"{stroke}\" stroke-width=\"{width}\"{dash}/>",
        Esc(&title)
    )?;
    // A nested viewport clips a label wider than the box (a name of wide
    // letters); the whole name is in the tooltip and the details.
    writeln!(
        out,
        "<svg x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{NODE_H}\" overflow=\"hidden\">",
        x + 6,
        NODE_W - 12
    )?;
    for (k, line) in n.lines.iter().take(3).enumerate() {
        let class = if k == 0 { "" } else { " class=\"f\"" };
        let weight = if k == 0 { " font-weight=\"600\"" } else { "" };
        writeln!(
            out,
            "<text x=\"2\" y=\"{}\"{class}{weight}>{}</text>",
            18 + 16 * k as i64,
            Esc(&clip(line, if k == 0 { 26 } else { 30 }))
        )?;
    }
    writeln!(out, "</svg></g>")
}

/// The time axis of a timeline: where time `origin` is drawn, and how many
/// milliseconds the plot spans (shared by the two timelines of a diff).
#[derive(Debug, Clone, Copy)]
pub(super) struct Axis {
    pub(super) origin: i64,
    pub(super) span: i64,
}

impl Axis {
    /// The axis of one timeline (from its origin to its end).
    pub(super) fn of(t: &Timeline) -> Option<Axis> {
        let (origin, end) = (t.origin_ms?, t.end_ms?);
        Some(Axis {
            origin,
            span: end.saturating_sub(origin).max(1),
        })
    }
}

const LABEL_W: f64 = 250.0;
const PLOT_W: f64 = 740.0;
const ROW_H: i64 = 20;
const TOP: i64 = 26;

/// Draws a timeline: one row per stage that started, bars from start to
/// completion, the critical path through its bars, an axis of elapsed time.
pub(super) fn timeline(out: &mut dyn Write, t: &Timeline, axis: Axis) -> io::Result<()> {
    let width = LABEL_W + PLOT_W + 20.0;
    let height = TOP + ROW_H * t.rows.len() as i64 + 10;
    let x = |ms: i64| -> f64 {
        let frac = (ms.saturating_sub(axis.origin)) as f64 / axis.span as f64;
        ((LABEL_W + frac.clamp(0.0, 1.0) * PLOT_W) * 10.0).round() / 10.0
    };
    writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Timeline: {} stages\">",
        t.rows.len()
    )?;
    // The axis: ticks at a round step, labelled as elapsed time.
    let step = tick_step(axis.span);
    let mut tick = 0i64;
    while tick <= axis.span {
        let tx = x(axis.origin.saturating_add(tick));
        writeln!(
            out,
            "<line x1=\"{tx}\" y1=\"{}\" x2=\"{tx}\" y2=\"{height}\" stroke=\"#eaeef2\"/><text class=\"f\" x=\"{tx}\" y=\"14\" text-anchor=\"middle\">{}</text>",
            TOP - 6,
            if tick == 0 { "0".to_owned() } else { human_duration(tick) }
        )?;
        match tick.checked_add(step) {
            Some(next) => tick = next,
            None => break,
        }
    }
    let y_of = |row: usize| TOP + ROW_H * row as i64;
    for (row, r) in t.rows.iter().enumerate() {
        let y = y_of(row);
        let (x1, x2) = (x(r.start_ms), x(r.end_ms));
        let w = ((x2 - x1) * 10.0).round() / 10.0;
        let w = if w < 2.0 { 2.0 } else { w };
        let name = r.stage.name.as_deref().unwrap_or(&r.stage.id);
        let mut class = String::from("b");
        let (mut stroke, mut sw) = (border(r.stage.status), 1.0);
        if r.critical {
            class.push_str(" crit");
            stroke = CRITICAL;
            sw = 2.0;
        }
        let dash = if r.running {
            " stroke-dasharray=\"4 2\""
        } else {
            ""
        };
        let so_far = if r.running { " (running: so far)" } else { "" };
        writeln!(
            out,
            "<g class=\"{class}\" data-s=\"{}\"><title>{}: {} {}{so_far}</title><svg width=\"{}\" height=\"{height}\" overflow=\"hidden\"><text x=\"4\" y=\"{}\">{}</text></svg><rect x=\"{x1}\" y=\"{}\" width=\"{w}\" height=\"12\" rx=\"2\" fill=\"{}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"{dash}/>{}</g>",
            r.index,
            Esc(name),
            r.stage.status,
            human_duration(r.end_ms.saturating_sub(r.start_ms)),
            LABEL_W - 8.0,
            y + 14,
            Esc(&clip(name, 34)),
            y + 4,
            fill(r.stage.status),
            if r.running {
                // Beside the bar, or inside its end when the bar reaches
                // the right edge.
                let (at, anchor) = if x1 + w + 44.0 > LABEL_W + PLOT_W {
                    (x1 + w - 4.0, "end")
                } else {
                    (x1 + w + 4.0, "start")
                };
                format!("<text class=\"f\" x=\"{at}\" y=\"{}\" text-anchor=\"{anchor}\">so far</text>", y + 14)
            } else {
                String::new()
            }
        )?;
    }
    // The critical path: from the end of each of its bars to the start of
    // the next, so its waits show as the gaps it crosses.
    let mut steps: Vec<(usize, usize)> = t
        .rows
        .iter()
        .enumerate()
        .filter_map(|(row, r)| r.critical_step.map(|s| (s, row)))
        .collect();
    steps.sort_unstable();
    // Connectors from the end of each critical bar to the start of the
    // next (the bars themselves carry the orange outline).
    if steps.len() > 1 {
        let mut d = String::new();
        for pair in steps.windows(2) {
            let (a, b) = (&t.rows[pair[0].1], &t.rows[pair[1].1]);
            d.push_str(&format!(
                "M{} {}L{} {}",
                x(a.end_ms),
                y_of(pair[0].1) + 10,
                x(b.start_ms),
                y_of(pair[1].1) + 10
            ));
        }
        writeln!(
            out,
            "<path class=\"cp\" d=\"{d}\" fill=\"none\" stroke=\"{CRITICAL}\" stroke-width=\"1.5\"/>"
        )?;
    }
    writeln!(out, "</svg>")
}

/// The timeline of a run in which no stage started: an empty chart that
/// says so (the page always has its two pictures).
pub(super) fn empty_timeline(out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<div class=\"pic\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1010 40\" width=\"1010\" height=\"40\" role=\"img\" aria-label=\"Timeline: no stage started\"><text x=\"8\" y=\"24\">No stage started.</text></svg></div>"
    )
}

/// A round tick step giving at most about ten ticks over `span` ms.
fn tick_step(span: i64) -> i64 {
    const STEPS: [i64; 17] = [
        1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000,
        1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
    ];
    STEPS
        .iter()
        .copied()
        .find(|&s| span / s <= 10)
        .unwrap_or_else(|| (span / 10).max(86_400_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_stay_few_whatever_the_span() {
        for span in [1, 999, 10_000, 3_600_000, 86_400_000 * 400, i64::MAX] {
            let step = tick_step(span);
            assert!(step > 0);
            assert!(span / step <= 11, "{span} / {step}");
        }
    }
}
