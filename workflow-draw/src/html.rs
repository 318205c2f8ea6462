//! A self-contained HTML page of a diagram: the drawing as inline SVG, laid out here, with its
//! legend and notes, and a little script to zoom, pan and follow links. Nothing is fetched:
//! the page works offline and says so to the browser.

mod escape;
mod legend;
mod svg;

use std::fmt::Write as _;

use crate::diagram::Diagram;
use crate::layout::{self, BADGE_FONT, LABEL_FONT, LINK_FONT, TITLE_FONT};
use crate::style::{ERROR, GROUP, NODE_KINDS, class, link_colour, palette};

use escape::{escape, num};

const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/script.js");

/// The diagram as one HTML page that needs nothing else: no network, no files beside it.
///
/// Steps are drawn as rounded boxes and events as pills, coloured by kind, top to bottom in
/// the order things happen; a loop climbs back up beside the nodes to the step it returns to.
/// Events published to other workflows and subscribed from them are parallelograms leaning
/// out and in, and child workflows boxes with bars inside their ends. Each
/// [`Group`](crate::Group) (a workflow of a host) is laid out on its own in a frame under its
/// heading, the frames side by side in rows, and the links between groups run around the nodes
/// from frame to frame.
/// A legend explains the shapes and lines, and the diagram's notes (a run's timeline) follow
/// the drawing. In a browser the drawing zooms with the wheel and pans by dragging, and
/// pointing at a node lights up its links. The same diagram always gives the same page.
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::Topology;
/// use eventflow::draw::{diagram, html};
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Retry;
///
/// struct Echo;
///
/// #[workflow]
/// impl Echo {
///     #[step]
///     async fn echo(
///         &self,
///         ev: OneOf![StartEvent<String> | Retry],
///     ) -> OneOf![Retry | StopEvent<String>] {
///         match ev {
///             EchoEchoInput::StartEvent(ev) => StopEvent::new(ev.input).into(),
///             EchoEchoInput::Retry(_) => Retry.into(),
///         }
///     }
/// }
///
/// let page = html(&diagram(&Topology::of::<Echo>()));
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains(r#"<g id="step-echo" class="node step">"#));
/// assert!(page.contains("<h1>Echo</h1>"));
/// // The loop back from `Retry` to `echo` climbs.
/// assert!(page.contains(r#"class="link flow loop" data-from="event-retry" data-to="step-echo""#));
/// ```
pub fn html(diagram: &Diagram) -> String {
    let layout = layout::layout(diagram);
    let title = if diagram.title.trim().is_empty() {
        "Workflow"
    } else {
        diagram.title.as_str()
    };
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    // Nothing may be loaded from anywhere: the page is complete as it is.
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"generator\" content=\"eventflow\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    out.push_str("<style>\n");
    out.push_str(STYLE);
    out.push_str(&palette_css());
    out.push_str("</style>\n</head>\n<body>\n<header>\n");
    let _ = writeln!(out, "<h1>{}</h1>", escape(title));
    if let Some(subtitle) = diagram.subtitle.as_deref().filter(|s| !s.trim().is_empty()) {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape(subtitle));
    }
    out.push_str("</header>\n");
    out.push_str(&legend::legend(diagram, &layout));
    out.push_str("\n<figure class=\"drawing\">\n<div class=\"tools\">");
    out.push_str(
        "<button type=\"button\" data-zoom=\"in\" title=\"Zoom in\">+</button>\
         <button type=\"button\" data-zoom=\"out\" title=\"Zoom out\">\u{2212}</button>\
         <button type=\"button\" data-zoom=\"fit\" title=\"Show everything\">Fit</button>\
         <button type=\"button\" data-zoom=\"reset\" title=\"Back to the start\">Reset</button>\
         <span class=\"hint\">Ctrl + scroll or pinch to zoom \u{b7} drag to pan \u{b7} double-click to reset \u{b7} point at a node to follow its links</span>",
    );
    // As wide as the panel and as tall as the drawing at that width, never enlarged: the page
    // scrolls through a tall drawing like through a document.
    let _ = write!(
        out,
        "</div>\n<div class=\"canvas\" style=\"height: min({h}px, calc(100cqw * {ratio}))\">",
        h = num(layout.height),
        ratio = format_args!("{:.4}", layout.height / layout.width.max(1.0)),
    );
    out.push_str(&svg::svg(diagram, &layout));
    out.push_str("</div>\n</figure>\n");
    if !diagram.notes.is_empty() {
        out.push_str("<section class=\"notes\">\n<h2>Notes</h2>\n<ol>\n");
        for note in &diagram.notes {
            let _ = writeln!(out, "<li>{}</li>", escape(note));
        }
        out.push_str("</ol>\n</section>\n");
    }
    out.push_str("<script>\n");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// The colours of each node and link kind, shared with the other formats, and the fonts the
/// layout measured text for.
fn palette_css() -> String {
    let mut css = String::new();
    for kind in NODE_KINDS {
        let p = palette(kind);
        let c = class(kind);
        let _ = writeln!(
            css,
            ".node.{c} .shape {{ fill: {}; stroke: {}; }}\n\
             .node.{c} .label, .node.{c} .chip-text {{ fill: {}; }}\n\
             .node.{c} .chip, .node.{c} .bars {{ stroke: {}; }}",
            p.fill, p.stroke, p.text, p.stroke
        );
    }
    for kind in svg::LINK_KINDS {
        let c = svg::link_class(kind);
        let colour = link_colour(kind);
        let _ = writeln!(
            css,
            ".link.{c} .line {{ stroke: {colour}; }}\n.link-label.{c} text {{ fill: {colour}; }}"
        );
    }
    let _ = writeln!(
        css,
        ".group .frame, .legend .frame {{ fill: {}; stroke: {}; }}\n\
         .group .group-title {{ fill: {}; font: 600 {}px system-ui, sans-serif; }}\n\
         .legend .frame-title {{ stroke: {}; }}",
        GROUP.fill,
        GROUP.stroke,
        GROUP.text,
        num(TITLE_FONT),
        GROUP.text,
    );
    let _ = writeln!(
        css,
        ".node.error .shape {{ stroke: {ERROR}; stroke-width: 3; }}\n\
         .drawing {{ container-type: inline-size; }}\n\
         .node .label {{ font: {}px ui-monospace, monospace; }}\n\
         .node .chip-text {{ font: {}px system-ui, sans-serif; }}\n\
         .link-label text {{ font: {}px system-ui, sans-serif; }}",
        num(LABEL_FONT),
        num(BADGE_FONT),
        num(LINK_FONT),
    );
    css
}

#[cfg(test)]
mod tests;
