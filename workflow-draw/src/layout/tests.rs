//! The layout's promises, checked on every sample diagram.

use super::samples;
use super::*;

fn each(check: impl Fn(&str, &Diagram, &Layout)) {
    for (name, d) in samples::all() {
        check(name, &d, &layout(&d));
    }
}

#[test]
fn every_node_is_placed_inside_the_drawing() {
    each(|name, d, l| {
        assert_eq!(l.nodes.len(), d.nodes.len(), "{name}");
        let page = Rect {
            x: 0.0,
            y: 0.0,
            w: l.width,
            h: l.height,
        };
        for (i, node) in l.nodes.iter().enumerate() {
            let r = node.rect();
            assert!(
                r.x.is_finite() && r.y.is_finite(),
                "{name}: node {i} at {r:?}"
            );
            assert!(
                page.contains(Point::new(r.x, r.y))
                    && page.contains(Point::new(r.right(), r.bottom())),
                "{name}: node {i} at {r:?} outside {page:?}"
            );
        }
    });
}

#[test]
fn no_two_nodes_overlap() {
    each(|name, _, l| {
        for (i, a) in l.nodes.iter().enumerate() {
            for (j, b) in l.nodes.iter().enumerate().skip(i + 1) {
                assert!(
                    !a.rect().overlaps(&b.rect(), 8.0),
                    "{name}: nodes {i} and {j} overlap: {:?} {:?}",
                    a.rect(),
                    b.rect()
                );
            }
        }
    });
}

#[test]
fn labels_overlap_neither_nodes_nor_each_other() {
    each(|name, d, l| {
        let labels: Vec<Rect> = l
            .links
            .iter()
            .flatten()
            .filter_map(|link| link.label.as_ref().map(|(r, _)| *r))
            .collect();
        let wanted = d
            .links
            .iter()
            .zip(&l.links)
            .filter(|(link, placed)| link.label.is_some() && placed.is_some())
            .count();
        assert_eq!(labels.len(), wanted, "{name}: every label is placed");
        // The jumble of 200 nodes is denser than any workflow: its labels may have to touch.
        if name == "jumble_200" {
            return;
        }
        for (i, r) in labels.iter().enumerate() {
            for node in &l.nodes {
                assert!(
                    !r.overlaps(&node.rect(), 0.0),
                    "{name}: label {r:?} on a node"
                );
            }
            for s in &labels[i + 1..] {
                assert!(
                    !r.overlaps(s, 0.0),
                    "{name}: labels {r:?} and {s:?} overlap"
                );
            }
        }
    });
}

#[test]
fn layers_follow_the_links_once_loops_are_turned_around() {
    each(|name, d, l| {
        let groups = d.membership();
        for (link, placed) in d.links.iter().zip(&l.links) {
            let Some(placed) = placed else {
                assert!(
                    link.from >= d.nodes.len() || link.to >= d.nodes.len(),
                    "{name}"
                );
                continue;
            };
            // Ranks are per group; the links between groups run from frame to frame.
            if groups[link.from] != groups[link.to] {
                assert!(!placed.loops_back, "{name}");
                continue;
            }
            let (from, to) = (l.rank[link.from], l.rank[link.to]);
            if link.from == link.to {
                assert!(!placed.loops_back);
            } else if placed.loops_back {
                assert!(to < from, "{name}: loop {link:?} does not climb");
            } else {
                assert!(from < to, "{name}: {link:?} does not go down");
            }
        }
        for (i, a) in l.nodes.iter().enumerate() {
            for (j, b) in l.nodes.iter().enumerate() {
                if groups[i] == groups[j] && l.rank[i] < l.rank[j] {
                    assert!(a.rect().bottom() < b.rect().y, "{name}: {i} above {j}");
                }
            }
        }
    });
}

#[test]
fn only_the_way_back_of_a_loop_climbs() {
    let d = samples::feedback_monitor();
    let l = layout(&d);
    let climbing: Vec<(&str, &str)> = d
        .links
        .iter()
        .zip(&l.links)
        .filter(|(_, p)| p.as_ref().is_some_and(|p| p.loops_back))
        .map(|(link, _)| {
            (
                d.nodes[link.from].label.as_str(),
                d.nodes[link.to].label.as_str(),
            )
        })
        .collect();
    assert_eq!(climbing, [("LoopEvent", "begin")]);
    // The start is at the top and the stop at the bottom.
    let max = l.rank.iter().copied().max();
    assert_eq!(l.rank[4], 0);
    assert_eq!(Some(l.rank[9]), max);
}

#[test]
fn lines_run_from_their_source_to_their_target_and_through_no_other_node() {
    each(|name, d, l| {
        let rects: Vec<Rect> = l.nodes.iter().map(PlacedNode::rect).collect();
        for (link, placed) in d.links.iter().zip(&l.links) {
            let Some(placed) = placed else { continue };
            let near = |r: &Rect, p: Point, by: f64| {
                Rect {
                    x: r.x - by,
                    y: r.y - by,
                    w: r.w + 2.0 * by,
                    h: r.h + 2.0 * by,
                }
                .contains(p)
            };
            let path = &placed.path;
            assert!(
                near(&rects[link.from], path.start, 0.5),
                "{name}: {link:?} starts off its node"
            );
            assert!(
                near(&rects[link.to], path.end(), arrow_length(link.kind) + 0.5),
                "{name}: {link:?} ends off its node"
            );
            for p in path.samples(12) {
                for (k, r) in rects.iter().enumerate() {
                    if k == link.from || k == link.to {
                        continue;
                    }
                    let inside = Rect {
                        x: r.x + 1.0,
                        y: r.y + 1.0,
                        w: r.w - 2.0,
                        h: r.h - 2.0,
                    };
                    assert!(
                        !inside.contains(p),
                        "{name}: {link:?} runs through node {k} at {p:?}"
                    );
                }
            }
        }
    });
}

#[test]
fn the_same_diagram_is_laid_out_the_same() {
    each(|name, d, l| {
        assert_eq!(&layout(d), l, "{name}");
        assert_eq!(&layout(&d.clone()), l, "{name}");
    });
}

#[test]
fn the_samples_lay_out_without_crossings_where_none_are_needed() {
    for d in [samples::feedback_monitor(), samples::concurrent()] {
        let l = layout(&d);
        // Lines that cross would have to swap sides between two layers.
        let mut segments = Vec::new();
        for placed in l.links.iter().flatten() {
            let pts = placed.path.samples(16);
            segments.extend(pts.windows(2).map(|w| (w[0], w[1])));
        }
        let crossing = |(a, b): (Point, Point), (c, d): (Point, Point)| {
            let side = |p: Point, q: Point, r: Point| {
                (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
            };
            side(a, b, c) * side(a, b, d) < -1e-6 && side(c, d, a) * side(c, d, b) < -1e-6
        };
        let mut count = 0;
        for (i, &s) in segments.iter().enumerate() {
            count += segments[i + 1..]
                .iter()
                .filter(|&&t| crossing(s, t))
                .count();
        }
        assert_eq!(count, 0, "{}", d.title);
    }
}

#[test]
fn each_label_sits_on_or_beside_its_own_line() {
    each(|name, d, l| {
        for (link, placed) in d.links.iter().zip(&l.links) {
            let Some(PlacedLink {
                path,
                label: Some((r, text)),
                ..
            }) = placed
            else {
                continue;
            };
            assert_eq!(Some(text.as_str()), link.label.as_deref(), "{name}");
            // Beside means within a label's width of the line, crowded jumbles aside.
            let reach = if name == "jumble_200" { 1e9 } else { r.w };
            let around = Rect {
                x: r.x - reach,
                y: r.y - 2.0,
                w: r.w + 2.0 * reach,
                h: r.h + 4.0,
            };
            assert!(
                path.samples(16).iter().any(|&p| around.contains(p)),
                "{name}: label {text:?} at {r:?} is away from its line"
            );
        }
    });
}

#[test]
fn frames_hold_their_groups_apart() {
    each(|name, d, l| {
        assert_eq!(l.groups.len(), d.groups.len(), "{name}");
        let groups = d.membership();
        for (v, node) in l.nodes.iter().enumerate() {
            let Some(g) = groups[v] else { continue };
            let (frame, r) = (l.groups[g].frame, node.rect());
            assert!(
                frame.contains(Point::new(r.x, r.y))
                    && frame.contains(Point::new(r.right(), r.bottom())),
                "{name}: {} outside the frame of {}",
                d.nodes[v].id,
                d.groups[g].label
            );
            // Nor under its heading.
            assert!(r.y > frame.y + 30.0, "{name}: {}", d.nodes[v].id);
        }
        for (i, a) in l.groups.iter().enumerate() {
            assert!(
                a.title_at.x > a.frame.x && a.title_at.y > a.frame.y,
                "{name}"
            );
            for b in &l.groups[i + 1..] {
                assert!(!a.frame.overlaps(&b.frame, 20.0), "{name}: frames overlap");
            }
        }
    });
}

#[test]
fn a_wide_host_wraps_its_frames_into_rows() {
    let d = samples::big_host();
    let l = layout(&d);
    let tops: std::collections::BTreeSet<i64> =
        l.groups.iter().map(|g| g.frame.y.round() as i64).collect();
    assert!(tops.len() >= 2, "{tops:?}");
    assert!(l.width < 1700.0, "{}", l.width);
    // Frames of a row start level with each other, in the host's order, left to right.
    let first = &l.groups[0].frame;
    let second = &l.groups[1].frame;
    assert_eq!(first.y, second.y);
    assert!(first.right() < second.x);
}

#[test]
fn lines_between_frames_turn_only_at_right_angles() {
    for d in [samples::host(), samples::big_host()] {
        let l = layout(&d);
        let groups = d.membership();
        for (link, placed) in d.links.iter().zip(&l.links) {
            let Some(placed) = placed else { continue };
            if groups.get(link.from) == groups.get(link.to) {
                continue;
            }
            let mut from = placed.path.start;
            for seg in &placed.path.segments {
                if let Segment::Line(to) = *seg {
                    let straight = (from.x - to.x).abs() < 0.01 || (from.y - to.y).abs() < 0.01;
                    assert!(
                        straight,
                        "{}: {link:?} slants from {from:?} to {to:?}",
                        d.title
                    );
                }
                from = seg.end();
            }
        }
    }
}
