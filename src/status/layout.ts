import { idKey } from "../reconcile/ids.js";
import type { StatusVnet } from "./model.js";

/**
 * Where each VNet goes in the diagram: hubs in the centre (on a small circle when there are several),
 * every other VNet on concentric rings around them. VNets are ordered by subscription, resource group
 * and name and handed out by angle (VNet i at angle i/N, on ring i mod R), so each subscription is one
 * contiguous sector across all rings. Labels point outward along the radius and the ring gap is wider
 * than the longest label, so no two labels collide however many VNets there are: 500 spokes make a
 * larger picture, never an overlapping one.
 *
 * The hubs' own subscriptions are drawn too: the disc inside the rings is shared out among them (one
 * slice per subscription, the whole disc when every hub is in one), each labelled like a ring sector.
 */

export interface NodePlacement {
  x: number;
  y: number;
  r: number;
  /** Label anchor point and rotation (degrees); hubs have horizontal labels below the node. */
  label: { x: number; y: number; rotate: number; anchor: "start" | "end" | "middle" };
}

export interface SectorPlacement {
  subscriptionId: string;
  count: number;
  /** Radians, clockwise from the x axis (SVG's y points down). */
  start: number;
  end: number;
  inner: number;
  outer: number;
  /** Where the subscription's name goes, when its sector is wide enough for it. */
  label?: { x: number; y: number; anchor: "start" | "end" | "middle" };
}

export interface Layout {
  /** viewBox origin and size; the centre is (0, 0). */
  minX: number;
  minY: number;
  width: number;
  height: number;
  nodes: Map<string, NodePlacement>;
  /** The subscriptions of the VNets on the rings. */
  sectors: SectorPlacement[];
  /** The subscriptions of the hubs: slices of the disc inside the rings (inner radius 0), always labelled. */
  hubSectors: SectorPlacement[];
  rings: number[];
}

export const HUB_RADIUS = 16;
export const SPOKE_RADIUS = 7;
/** Labels are cut to this many characters (the full name is in the node's title and the tables). */
export const LABEL_CHARS = 22;
const CHAR_WIDTH = 6.4;
/** Closest two VNets on the same ring may be, along the ring: above the label's line height. */
const MIN_SPACING = 17;
const MAX_RINGS = 12;

export function layoutTopology(vnets: readonly StatusVnet[]): Layout {
  // Hubs of one subscription next to each other on the hub circle, so each gets one slice.
  const hubs = vnets
    .filter((v) => v.role === "hub")
    .sort(
      (a, b) =>
        a.subscriptionId.localeCompare(b.subscriptionId) ||
        b.neighbours - a.neighbours ||
        idKey(a.id).localeCompare(idKey(b.id)),
    );
  const others = vnets.filter((v) => v.role !== "hub");
  const nodes = new Map<string, NodePlacement>();

  const hubCircle = hubs.length <= 1 ? 0 : Math.max(80, (hubs.length * 130) / (2 * Math.PI));
  hubs.forEach((hub, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, hubs.length);
    const x = hubCircle * Math.cos(angle);
    const y = hubCircle * Math.sin(angle);
    nodes.set(idKey(hub.id), {
      x,
      y,
      r: HUB_RADIUS,
      label: { x, y: y + HUB_RADIUS + 15, rotate: 0, anchor: "middle" },
    });
  });

  const n = others.length;
  // The ring gap is wider than the longest label: radial labels of one ring never reach the next.
  const longest = Math.max(4, ...others.map((v) => Math.min(v.name.length, LABEL_CHARS)));
  const labelSpace = longest * CHAR_WIDTH + SPOKE_RADIUS + 12;
  const ringGap = labelSpace + 26;
  const base = hubs.length === 0 ? 60 : hubCircle + (hubs.length > 1 ? 180 : 175);
  let rings = 1;
  let inner = base;
  let best = Infinity;
  for (let r = 1; r <= MAX_RINGS; r++) {
    const radius = Math.max(base, (MIN_SPACING * Math.ceil(n / r)) / (2 * Math.PI));
    const outer = radius + (r - 1) * ringGap;
    if (outer < best - 1) {
      best = outer;
      rings = r;
      inner = radius;
    }
  }
  rings = Math.min(rings, Math.max(1, n));
  const ringRadii = Array.from({ length: rings }, (_, i) => inner + i * ringGap);
  const step = n > 0 ? (2 * Math.PI) / n : 0;
  const angleOf = (i: number) => -Math.PI / 2 + step * (i + 0.5);

  others.forEach((vnet, i) => {
    const angle = angleOf(i);
    const radius = ringRadii[i % rings]!;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const x = radius * cos;
    const y = radius * sin;
    const labelRadius = radius + SPOKE_RADIUS + 5;
    const degrees = (angle * 180) / Math.PI;
    // Text on the left half is turned over so it never reads upside down.
    const left = cos < -1e-9;
    nodes.set(idKey(vnet.id), {
      x,
      y,
      r: SPOKE_RADIUS,
      label: {
        x: labelRadius * cos,
        y: labelRadius * sin,
        rotate: left ? degrees + 180 : degrees,
        anchor: left ? "end" : "start",
      },
    });
  });

  const outerRing = ringRadii[ringRadii.length - 1] ?? hubCircle;
  const sectorInner = n > 0 ? inner - 26 : 0;
  const sectorOuter = outerRing + labelSpace + 8;
  const labelRadius = sectorOuter + 16;
  const sectors: SectorPlacement[] = [];
  for (let i = 0; i < n;) {
    const subscriptionId = others[i]!.subscriptionId;
    let j = i;
    while (j < n && others[j]!.subscriptionId === subscriptionId) j++;
    const start = angleOf(i) - step / 2;
    const end = angleOf(j - 1) + step / 2;
    const mid = (start + end) / 2;
    const wide = (end - start) * labelRadius >= 150 || j - i === n;
    sectors.push({
      subscriptionId,
      count: j - i,
      start,
      end,
      inner: sectorInner,
      outer: sectorOuter,
      ...(wide
        ? {
            label: {
              x: labelRadius * Math.cos(mid),
              y: labelRadius * Math.sin(mid) + (Math.sin(mid) > 0.3 ? 10 : 0),
              anchor: Math.cos(mid) > 0.25 ? "start" : Math.cos(mid) < -0.25 ? "end" : "middle",
            },
          }
        : {}),
    });
    i = j;
  }

  // The hubs' subscriptions: the disc inside the rings (short of the ring sectors' inner edge).
  const hubZone = n > 0 ? sectorInner - 10 : hubCircle + HUB_RADIUS + 44;
  const hubSectors: SectorPlacement[] = [];
  const hubStep = hubs.length > 0 ? (2 * Math.PI) / hubs.length : 0;
  for (let i = 0; i < hubs.length;) {
    const subscriptionId = hubs[i]!.subscriptionId;
    let j = i;
    while (j < hubs.length && hubs[j]!.subscriptionId === subscriptionId) j++;
    const whole = i === 0 && j === hubs.length;
    const start = whole ? -Math.PI / 2 : -Math.PI / 2 + hubStep * (i - 0.5);
    const end = whole ? (3 * Math.PI) / 2 : -Math.PI / 2 + hubStep * (j - 0.5);
    const mid = (start + end) / 2;
    let label: SectorPlacement["label"];
    if (n === 0) {
      // No rings: the label goes outside the disc, like a ring sector's.
      const r = hubZone + 16;
      label = {
        x: whole ? 0 : r * Math.cos(mid),
        y: whole ? -r : r * Math.sin(mid) + (Math.sin(mid) > 0.3 ? 10 : 0),
        anchor: whole || Math.abs(Math.cos(mid)) <= 0.25 ? "middle" : Math.cos(mid) > 0 ? "start" : "end",
      };
    } else if (whole) {
      // Top of the disc, between the hub(s) and the inner ring.
      label = { x: 0, y: -(hubZone - 22), anchor: "middle" };
    } else {
      // Between the slice's hubs and the disc's edge.
      const r = hubCircle + Math.min(80, (hubZone - hubCircle) * 0.55);
      label = { x: r * Math.cos(mid), y: r * Math.sin(mid), anchor: "middle" };
    }
    hubSectors.push({ subscriptionId, count: j - i, start, end, inner: 0, outer: hubZone, label });
    i = j;
  }

  const half = n > 0 ? labelRadius + 24 : hubZone + 40;
  const sideRoom = n > 0 ? 110 : 80;
  return {
    minX: -(half + sideRoom),
    minY: -half,
    width: 2 * (half + sideRoom),
    height: 2 * half,
    nodes,
    sectors,
    hubSectors,
    rings: ringRadii,
  };
}

/**
 * An SVG path for an annular sector (a full ring when it spans the whole circle); with an inner
 * radius of 0, a pie slice (a disc when it spans the whole circle).
 */
export function sectorPath(s: SectorPlacement): string {
  const full = s.end - s.start >= 2 * Math.PI - 1e-6;
  const pt = (r: number, a: number) => `${fmt(r * Math.cos(a))} ${fmt(r * Math.sin(a))}`;
  if (s.inner <= 0) {
    const r = fmt(s.outer);
    if (full)
      return `M ${pt(s.outer, 0)} A ${r} ${r} 0 1 1 ${pt(s.outer, Math.PI)} A ${r} ${r} 0 1 1 ${pt(s.outer, 0)} Z`;
    const large = s.end - s.start > Math.PI ? 1 : 0;
    return `M 0 0 L ${pt(s.outer, s.start)} A ${r} ${r} 0 ${large} 1 ${pt(s.outer, s.end)} Z`;
  }
  if (full) {
    const ring = (r: number, sweep: 0 | 1) =>
      `M ${pt(r, 0)} A ${fmt(r)} ${fmt(r)} 0 1 ${sweep} ${pt(r, Math.PI)} A ${fmt(r)} ${fmt(r)} 0 1 ${sweep} ${pt(r, 0)} Z`;
    return `${ring(s.outer, 1)} ${ring(s.inner, 0)}`;
  }
  const large = s.end - s.start > Math.PI ? 1 : 0;
  return [
    `M ${pt(s.inner, s.start)}`,
    `L ${pt(s.outer, s.start)}`,
    `A ${fmt(s.outer)} ${fmt(s.outer)} 0 ${large} 1 ${pt(s.outer, s.end)}`,
    `L ${pt(s.inner, s.end)}`,
    `A ${fmt(s.inner)} ${fmt(s.inner)} 0 ${large} 0 ${pt(s.inner, s.start)}`,
    "Z",
  ].join(" ");
}

export function fmt(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}
