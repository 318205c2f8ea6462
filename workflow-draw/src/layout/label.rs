//! Where link labels go: on their line, clear of every node and every other label.
//!
//! Each label tries spots along its line, nearest its preferred end first, centred on the line
//! or just beside it. Spots touching a node or a placed label are out; among the others, the
//! first that covers no other line wins, or failing that the one covering the fewest.

use super::geometry::{Path, Point, Rect};

/// Clearance around nodes.
const NODE_CLEARANCE: f64 = 4.0;
/// Clearance between labels.
const LABEL_CLEARANCE: f64 = 3.0;

/// A label to place.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wanted {
    pub(crate) link: usize,
    pub(crate) w: f64,
    pub(crate) h: f64,
    /// Whether the label belongs at the end of its line (a join names what it joins) rather
    /// than at its start (a fan-out names what it starts).
    pub(crate) at_end: bool,
}

/// The box of each wanted label, in the order given. `paths` are the lines, by link; `nodes`
/// the boxes to keep clear of.
pub(crate) fn place(wanted: &[Wanted], paths: &[Option<Path>], nodes: &[Rect]) -> Vec<Rect> {
    let samples: Vec<Vec<Point>> = paths
        .iter()
        .map(|p| p.as_ref().map_or_else(Vec::new, |p| p.samples(8)))
        .collect();
    // Most lines are nowhere near a given spot: their bounds say so at once.
    let bounds: Vec<Option<Rect>> = samples.iter().map(|s| bounding(s)).collect();
    let mut placed: Vec<Rect> = Vec::with_capacity(wanted.len());
    for want in wanted {
        let Some(path) = paths.get(want.link).and_then(Option::as_ref) else {
            placed.push(Rect::centered(Point::new(0.0, 0.0), want.w, want.h));
            continue;
        };
        let free = |r: &Rect| {
            nodes.iter().all(|n| !n.overlaps(r, NODE_CLEARANCE))
                && placed.iter().all(|p| !p.overlaps(r, LABEL_CLEARANCE))
        };
        let covered = |r: &Rect| {
            samples
                .iter()
                .zip(&bounds)
                .enumerate()
                .filter(|&(i, (_, b))| i != want.link && b.is_some_and(|b| b.overlaps(r, 0.0)))
                .map(|(_, (s, _))| s.iter().filter(|&&p| r.contains(p)).count())
                .sum::<usize>()
        };
        let candidates = candidates(path, want);
        let mut best: Option<(usize, Rect)> = None;
        for r in candidates.iter().filter(|r| free(r)) {
            let cost = covered(r);
            if best.is_none_or(|(c, _)| cost < c) {
                best = Some((cost, *r));
            }
            if cost == 0 {
                break;
            }
        }
        let chosen = best.map(|(_, r)| r).or_else(|| {
            // Crowded all along the line: slide sideways from the preferred spot until free.
            let first = candidates.first().copied()?;
            (1..60)
                .flat_map(|k| [k as f64 * 12.0, -(k as f64) * 12.0])
                .map(|dx| Rect {
                    x: first.x + dx,
                    ..first
                })
                .find(|r| free(r))
        });
        placed.push(chosen.unwrap_or_else(|| {
            candidates
                .first()
                .copied()
                .unwrap_or_else(|| Rect::centered(path.start, want.w, want.h))
        }));
    }
    placed
}

/// The smallest rectangle holding `points`.
fn bounding(points: &[Point]) -> Option<Rect> {
    let first = points.first()?;
    let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.x, first.y);
    for p in points {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    Some(Rect {
        x: x0,
        y: y0,
        w: x1 - x0,
        h: y1 - y0,
    })
}

/// Spots along `path`, best first.
fn candidates(path: &Path, want: &Wanted) -> Vec<Rect> {
    let mut pieces: Vec<_> = path.pieces().collect();
    if want.at_end {
        pieces.reverse();
    }
    let beside = want.w / 2.0 + 5.0;
    let mut out = Vec::new();
    for (from, seg) in pieces {
        for t in [0.5, 0.3, 0.7] {
            let p = seg.at(from, t);
            for dx in [0.0, beside, -beside] {
                out.push(Rect::centered(Point::new(p.x + dx, p.y), want.w, want.h));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vertical(x: f64) -> Option<Path> {
        let mut p = Path::new(Point::new(x, 0.0));
        p.line(Point::new(x, 100.0));
        Some(p)
    }

    #[test]
    fn labels_keep_clear_of_nodes_and_of_each_other() {
        // Two labelled lines side by side, and a node over the middle of the first.
        let paths = [vertical(0.0), vertical(10.0)];
        let node = Rect::centered(Point::new(0.0, 50.0), 40.0, 20.0);
        let wanted = [0, 1].map(|link| Wanted {
            link,
            w: 50.0,
            h: 16.0,
            at_end: false,
        });
        let placed = place(&wanted, &paths, &[node]);
        assert_eq!(placed.len(), 2);
        for r in &placed {
            assert!(!r.overlaps(&node, 0.0), "{r:?}");
        }
        assert!(!placed[0].overlaps(&placed[1], 0.0), "{placed:?}");
    }

    #[test]
    fn a_label_sits_on_its_own_line_when_it_can() {
        let placed = place(
            &[Wanted {
                link: 0,
                w: 30.0,
                h: 16.0,
                at_end: false,
            }],
            &[vertical(0.0)],
            &[],
        );
        assert!(placed[0].contains(Point::new(0.0, 50.0)), "{placed:?}");
    }
}
