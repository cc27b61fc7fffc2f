//! HTML: one self-contained page a person opens from disk (SPEC §9).
//!
//! # Design
//!
//! The page is one more renderer of the same reports: the run page draws a
//! [`Why`](super::Why), a [`Timeline`](super::Timeline), a lineage
//! [`Diagram`](crate::diagram::Diagram) and the stage timings, built once by
//! [`RunPage::new`]; the diff and history pages draw a
//! [`RunDiff`](crate::RunDiff) and a [`History`](crate::History).
//!
//! - **Self-contained**: inline CSS, the pictures as inline SVG laid out by
//!   the crate (a layered layout, `src/layered.rs`), a small inline script only for
//!   interaction (select a stage, zoom and pan the lineage). A
//!   Content-Security-Policy meta tag forbids every load from anywhere
//!   (`default-src 'none'`), so nothing reaches the network even if a
//!   browser were asked to. With scripts off everything is still there.
//! - **Safe on hostile input**: every text from the response goes through
//!   [`Esc`] (HTML-escaped, control characters replaced); no id from the
//!   input is used as an element id, class or selector — elements carry
//!   the stage's index in the graph (`data-s="12"`), a number the crate made.
//! - **Bounded**: the lineage is capped at the diagram budget (SPEC §5), the
//!   timeline, the stage table and the stage details at [`PAGE_ROWS`] rows
//!   each with "… and N more", so a 20,000-stage run stays under 2 MB.
//! - **Deterministic**: no clock, no randomness, no hash-map order.

use std::fmt;
use std::io::{self, Write};

mod diff;
mod history;
mod run;
mod svg;

pub use diff::diff;
pub use history::history;
pub use run::{run, RunPage};

/// Rows a page lists at most in its timeline, its stage table and its
/// stage details (then "… and N more").
pub const PAGE_ROWS: usize = 500;

/// Text from the input (or anything else), escaped for HTML text and
/// attribute values: `&`, `<`, `>`, `"` and `'` as entities; control
/// characters other than tab and line feed as U+FFFD.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(|c: char| {
            matches!(c, '&' | '<' | '>' | '"' | '\'') || (c.is_control() && c != '\n' && c != '\t')
        }) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or('\u{fffd}');
            f.write_str(match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => "\u{fffd}",
            })?;
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// At most `max` characters of `text`, with `…` when cut (for labels inside
/// pictures; the whole text goes in the tooltip and the details).
pub(crate) fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(text),
        Some((at, _)) => {
            let keep = text[..at]
                .char_indices()
                .nth(max.saturating_sub(1))
                .map_or(at, |(i, _)| i);
            std::borrow::Cow::Owned(format!("{}…", &text[..keep]))
        }
    }
}

/// The Content-Security-Policy of every page: nothing may load from
/// anywhere; only the page's own inline style and script run.
pub const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/// Opens a page: doctype, CSP, title, the shared style.
fn head(out: &mut dyn Write, title: &str) -> io::Result<()> {
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"en\">")?;
    writeln!(out, "<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<meta name=\"generator\" content=\"dataprep-lineage\">"
    )?;
    writeln!(out, "<title>{}</title>", Esc(title))?;
    writeln!(out, "<style>{STYLE}</style>")?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")
}

/// Closes a page, with the interaction script.
fn foot(out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<footer>Made by dataprep-lineage from a Job Summary API response. Select a stage in a picture or a table to see its details.</footer>"
    )?;
    writeln!(out, "<script>{SCRIPT}</script>")?;
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")
}

/// `… and N more` under a list or table that showed `shown` of `total`.
fn more(out: &mut dyn Write, shown: usize, total: usize) -> io::Result<()> {
    if total > shown {
        writeln!(out, "<p class=\"more\">… and {} more</p>", total - shown)?;
    }
    Ok(())
}

/// A status as a small coloured label.
fn status(s: crate::status::Status) -> String {
    format!(
        "<span class=\"st\" style=\"background:{};border-color:{}\">{}</span>",
        crate::palette::fill(s),
        crate::palette::border(s),
        s.label()
    )
}

/// The page's style: readable on a laptop and in print, no web fonts.
const STYLE: &str = r#"
:root{--fg:#1b1f23;--mut:#57606a;--line:#d0d7de;--bg:#fff;--sel:#1565c0;--crit:#e65100;--rc:#c62828}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;padding:16px 24px;max-width:1280px}
h1{font-size:22px;margin:4px 0}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:12px 0 4px}
.facts{color:var(--mut);margin:0}.facts b{color:var(--fg);font-weight:600}
.st{display:inline-block;border:1px solid;border-radius:10px;padding:0 7px;font-size:12px;line-height:18px}
code,.path{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.cause{border:1px solid var(--line);border-left:4px solid var(--rc);border-radius:6px;padding:8px 12px;margin:10px 0}.cause>summary{cursor:pointer;list-style-position:outside}.cause>summary h3{display:inline;margin:0}#filter{font:14px system-ui;padding:3px 8px;width:min(420px,100%);border:1px solid var(--line);border-radius:4px}.hidden{display:none}
.cause.sel,tr.sel,.stage-ref.sel{outline:2px solid var(--sel)}
blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid var(--line);white-space:pre-wrap;word-break:break-word}
.more{color:var(--mut);font-style:italic}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr[data-s]{cursor:pointer}tr.crit td:first-child{box-shadow:inset 3px 0 var(--crit)}
.pic{border:1px solid var(--line);border-radius:6px;overflow:auto;position:relative;background:#fcfcfd}
.pic svg{display:block;max-width:100%;height:auto}.pic svg.zoomable{max-width:none}
.zoom{position:absolute;right:6px;top:6px;display:flex;gap:4px}.zoom button{font:13px system-ui;border:1px solid var(--line);background:#fff;border-radius:4px;padding:0 8px;cursor:pointer}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:var(--fg)}svg text.f{fill:var(--mut);font-size:11px}
g.n,g.b{cursor:pointer}g.n.sel rect,g.b.sel rect{stroke:var(--sel)!important;stroke-width:3px}
g.n.up rect{stroke:var(--sel)!important;stroke-width:3px;stroke-dasharray:6 3}g.n.down rect{stroke:#6a1b9a!important;stroke-width:3px;stroke-dasharray:6 3}
path.e{fill:none;stroke:#8c959f;stroke-width:1.2}path.e.crit{stroke:var(--crit);stroke-width:2.5}path.e.hl{stroke:var(--sel);stroke-width:2.5}
.legend{display:flex;flex-wrap:wrap;gap:14px;color:var(--mut);font-size:12px;margin:6px 0}.legend span{display:inline-flex;align-items:center;gap:5px}
.sw{display:inline-block;width:14px;height:10px;border:2px solid}
#details{position:sticky;bottom:0;background:#fff;border:1px solid var(--line);border-top:3px solid var(--sel);border-radius:6px 6px 0 0;padding:8px 12px;margin-top:16px;box-shadow:0 -2px 8px #0001;max-height:45vh;overflow:auto}
#details[hidden]{display:none}.detail dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}.detail dt{color:var(--mut)}.detail dd{margin:0}
ul.stages{columns:3 240px;padding-left:18px;margin:4px 0}
footer{color:var(--mut);font-size:12px;margin:24px 0 8px}
@media print{#details,.zoom{display:none}}
"#;

/// The page's script: selection (details panel, the same stage marked in
/// every picture and table, its upstream and downstream in the lineage)
/// and zoom and pan of the lineage. It reads only numbers the crate wrote
/// (`data-s`, `data-n`, `data-a`, `data-b`) and never writes HTML: the
/// details are elements already in the page, shown or hidden.
const SCRIPT: &str = r##"
(function(){
"use strict";
var details=document.getElementById("details");
function all(sel){return Array.prototype.slice.call(document.querySelectorAll(sel));}
function clear(){
  all(".sel,.up,.down,.hl").forEach(function(e){e.classList.remove("sel","up","down","hl");});
  all(".detail").forEach(function(d){d.hidden=true;});
}
function lineage(n){
  var edges=all("path.e[data-a]").map(function(p){return [+p.getAttribute("data-a"),+p.getAttribute("data-b"),p];});
  function walk(start,fwd,cls){
    var seen={},stack=[start];seen[start]=1;
    while(stack.length){var v=stack.pop();
      edges.forEach(function(e){var from=fwd?e[0]:e[1],to=fwd?e[1]:e[0];
        if(from===v){e[2].classList.add("hl");if(!seen[to]){seen[to]=1;stack.push(to);
          var g=document.querySelector('g.n[data-n="'+to+'"]');if(g)g.classList.add(cls);}}});}
  }
  walk(n,false,"up");walk(n,true,"down");
}
function select(s){
  clear();
  if(!/^[0-9]+$/.test(s))return;
  all('[data-s="'+s+'"]').forEach(function(e){e.classList.add("sel");});
  var node=document.querySelector('g.n[data-s="'+s+'"]');
  if(node)lineage(+node.getAttribute("data-n"));
  var d=document.querySelector('.detail[data-s="'+s+'"]');
  if(details){details.hidden=false;if(d)d.hidden=false;else{var none=document.getElementById("no-detail");if(none)none.hidden=false;}}
}
document.addEventListener("click",function(ev){
  var t=ev.target.closest?ev.target.closest("[data-s]"):null;
  if(t&&!(ev.target.closest("summary")))select(t.getAttribute("data-s"));
});
document.addEventListener("keydown",function(ev){
  if(ev.key==="Enter"&&ev.target.getAttribute&&ev.target.getAttribute("data-s"))select(ev.target.getAttribute("data-s"));
  if(ev.key==="Escape"){clear();if(details)details.hidden=true;}
});
var close=document.getElementById("close-details");
if(close)close.addEventListener("click",function(ev){ev.stopPropagation();clear();details.hidden=true;});
all("svg.zoomable").forEach(function(svg){
  var vb=svg.getAttribute("viewBox").split(" ").map(Number),home=vb.slice(),drag=null;
  function set(){svg.setAttribute("viewBox",vb.join(" "));}
  function zoom(f,cx,cy){var w=vb[2]*f,h=vb[3]*f;vb[0]=cx-(cx-vb[0])*f;vb[1]=cy-(cy-vb[1])*f;vb[2]=w;vb[3]=h;set();}
  var box=svg.parentNode;
  box.querySelectorAll("button[data-zoom]").forEach(function(b){b.addEventListener("click",function(){
    var z=b.getAttribute("data-zoom");if(z==="home"){vb=home.slice();set();}else zoom(z==="in"?0.8:1.25,vb[0]+vb[2]/2,vb[1]+vb[3]/2);});});
  svg.addEventListener("wheel",function(ev){if(!ev.ctrlKey&&!ev.metaKey)return;ev.preventDefault();
    var r=svg.getBoundingClientRect();zoom(ev.deltaY<0?0.85:1.18,vb[0]+(ev.clientX-r.left)/r.width*vb[2],vb[1]+(ev.clientY-r.top)/r.height*vb[3]);},{passive:false});
  svg.addEventListener("mousedown",function(ev){drag=[ev.clientX,ev.clientY];});
  window.addEventListener("mouseup",function(){drag=null;});
  window.addEventListener("mousemove",function(ev){if(!drag)return;var r=svg.getBoundingClientRect();
    vb[0]-= (ev.clientX-drag[0])/r.width*vb[2];vb[1]-=(ev.clientY-drag[1])/r.height*vb[3];drag=[ev.clientX,ev.clientY];set();});
});
var filter=document.getElementById("filter");
if(filter)filter.addEventListener("input",function(){
  var q=filter.value.toLowerCase();
  all("#stages tr[data-s]").forEach(function(r){r.classList.toggle("hidden",q!==""&&r.textContent.toLowerCase().indexOf(q)<0);});
  all("svg g.b").forEach(function(b){b.classList.toggle("hidden",q!==""&&b.textContent.toLowerCase().indexOf(q)<0);});
});
var m=/^#s=([0-9]+)$/.exec(location.hash);
if(m)select(m[1]);
})();
"##;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn markup_and_controls_are_escaped() {
        assert_eq!(
            Esc("<script>alert('x')&\"</script>\u{0}\u{1b}").to_string(),
            "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;\u{fffd}\u{fffd}"
        );
        assert_eq!(Esc("plain é 名前\n").to_string(), "plain é 名前\n");
    }

    #[test]
    fn clip_keeps_whole_characters() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("名前名前名前", 3), "名前…");
        assert_eq!(clip("abc", 3), "abc");
    }

    proptest! {
        /// No escaped text holds a character that could open markup or
        /// close an attribute.
        #[test]
        fn escaped_text_holds_no_markup(s in any::<String>()) {
            let e = Esc(&s).to_string();
            prop_assert!(!e.contains(['<', '>', '"', '\'']));
            prop_assert!(!e.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
            // Every `&` starts an entity the escaper wrote.
            for (i, _) in e.match_indices('&') {
                let rest = &e[i..];
                prop_assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|x| rest.starts_with(x)));
            }
        }
    }
}
