// The status page's stylesheet, inline so the page needs no second request (and the CSP allows no other).

export const CSS = `
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;--accent:#0969da;
--ok:#1a7f37;--sync:#bc4c00;--one:#8250df;--disc:#cf222e;--fail:#82071e;--hub:#0b3d6b;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg);line-height:1.45}
*{box-sizing:border-box}
body{margin:0}
.wrap{max-width:1240px;margin:0 auto;padding:0 20px}
.skip{position:absolute;left:8px;top:-60px;background:var(--accent);color:#fff;padding:8px 14px;border-radius:6px;z-index:10}
.skip:focus{top:8px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
a{color:var(--accent)}
a:focus-visible,[tabindex]:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
header.top{background:#0d1f33;color:#fff;padding:18px 0 14px}
header.top h1{margin:0;font-size:1.6rem;font-weight:650;letter-spacing:.01em}
header.top .meta{margin:4px 0 0;color:#c9d6e3;font-size:.92rem}
nav.sections ul{list-style:none;display:flex;flex-wrap:wrap;gap:6px 18px;padding:10px 0;margin:0;font-size:.95rem}
main{display:block}
main:focus{outline:none}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin:0 0 18px}
section:first-child{background:none;border:0;padding:0}
h2{margin:0 0 8px;font-size:1.3rem}
h2 .count{color:var(--muted);font-weight:500}
h3{margin:18px 0 6px;font-size:1.05rem}
.intro,.hint,.note{color:var(--muted);margin:0 0 10px;max-width:80ch}
.ok-note{color:var(--ok);font-weight:600}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:anywhere}
.cards{list-style:none;display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;padding:0;margin:6px 0 10px}
.card{background:var(--card);border:1px solid var(--line);border-left-width:5px;border-radius:8px;padding:10px 12px}
.card .n{display:block;font-size:1.9rem;font-weight:700;line-height:1.1}
.card .t{color:var(--muted);font-size:.9rem}
.card .sample{float:right;margin-top:6px}
.card.h-healthy{border-left-color:var(--ok)}.card.h-syncNeeded{border-left-color:var(--sync)}
.card.h-oneSided{border-left-color:var(--one)}.card.h-disconnected{border-left-color:var(--disc)}
.card.h-failed{border-left-color:var(--fail)}.card.c-human{border-left-color:#9a6700}.card.c-auto{border-left-color:var(--accent)}
figure.topology{margin:0;display:grid;grid-template-columns:minmax(0,1fr) 250px;gap:16px;align-items:start}
.diagram{min-width:0;border:1px solid var(--line);border-radius:8px;background:#fbfcfd}
.diagram.scroll{overflow:auto;max-height:80vh}
.diagram svg{display:block;width:100%;height:auto;margin:0 auto}
.diagram.scroll svg{width:auto;max-width:none}
figcaption{font-size:.88rem}
.legend-h{margin:0 0 6px;font-size:.95rem}
.legend{list-style:none;padding:0;margin:0;display:grid;gap:6px}
.legend li{display:flex;gap:8px;align-items:flex-start}
.legend .sample{flex:none;margin-top:3px}
.edge line,.edge path.cross{fill:none;stroke-width:2.2;stroke-linecap:round}
.e-healthy line{stroke:var(--ok);stroke-width:1.6;opacity:.85}
.dense .e-healthy line{stroke-width:.7;opacity:.4}
.e-syncNeeded line{stroke:var(--sync);stroke-dasharray:7 4;stroke-linecap:butt}
.e-oneSided line{stroke:var(--one);stroke-dasharray:0.1 4.5;stroke-width:2.6}
.e-disconnected line,.e-disconnected path.cross{stroke:var(--disc)}
.e-disconnected line{stroke-width:2.4}
.e-failed line{stroke:var(--fail);stroke-dasharray:10 3 2 3;stroke-width:2.4}
.arrow{stroke:none}.a-oneSided{fill:var(--one)}.a-healthy{fill:var(--ok)}.a-syncNeeded{fill:var(--sync)}.a-disconnected{fill:var(--disc)}.a-failed{fill:var(--fail)}
.sector.s0{fill:#eef4fb}.sector.s1{fill:#f4f0fb}.sector.s2{fill:#eef8f1}.sector.s3{fill:#fbf5ec}
.sector-label{font-size:13px;font-weight:650;fill:#33414f}
.sector.hub-zone{stroke:#b7c3cf;stroke-width:1;stroke-dasharray:4 3}
.sector-plate{fill:#fbfcfd;fill-opacity:.92;stroke:#d1d9e0;stroke-width:1}
.sector-label .count{font-weight:400;fill:var(--muted)}
.node circle{fill:#fff;stroke:#57606a;stroke-width:1.6}
.node.hub circle{fill:var(--hub);stroke:#fff;stroke-width:2}
.node.has-problems circle{stroke:var(--disc);stroke-width:2.6}
.node.hub.has-problems circle{stroke:var(--disc);stroke-width:3}
.node.v-inaccessible circle,.node.v-missing circle,.node.v-notRead circle{fill:var(--bg);stroke-dasharray:2.5 2}
.node.opted-out circle{fill:#d0d7de}
.node .label{font-size:11px;fill:var(--ink);paint-order:stroke;stroke:#fbfcfd;stroke-width:3px;stroke-linejoin:round}
.node.hub .label{font-size:13px;font-weight:700}
.node.v-inaccessible .label,.node.v-missing .label,.node.v-notRead .label{font-style:italic;fill:var(--muted)}
.node .label-bg{fill:#fbfcfd;fill-opacity:.92;stroke:#d1d9e0;stroke-width:1}
.node .services{font-size:10.5px;fill:#1f4f82;font-weight:600;paint-order:stroke;stroke:#fbfcfd;stroke-width:3px}
.node:focus{outline:none}
.node:focus-visible circle,.node:hover circle{stroke:var(--accent);stroke-width:4}
.node:focus-visible .label{fill:var(--accent);font-weight:700}
.table-wrap{max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;vertical-align:top;padding:7px 9px;border-bottom:1px solid var(--line)}
thead th{background:var(--bg);font-weight:650;font-size:.85rem;color:#33414f}
td.where,th .vname{font-weight:600;overflow-wrap:break-word;min-width:9em}
td.where .peering{display:block;font-weight:400;color:var(--muted);font-size:.9em}
ul.reasons{margin:0;padding-left:1.1em}
table.problems td:first-child{width:13em}
th .rg,th .flags{display:block;font-weight:400;color:var(--muted);font-size:.85em}
tr:target,tr:focus{background:#fff8c5;outline:none}
.tag{display:inline-block;border-radius:999px;padding:1px 9px;font-size:.84rem;font-weight:600;border:1px solid;white-space:nowrap}
.t-human{color:#9a3412;border-color:#f3b08a;background:#fff4ed}
.t-automatic{color:#0b4f8a;border-color:#9cc3ea;background:#eef6ff}
.r-succeeded{color:var(--ok);border-color:#9bd3ab;background:#effaf2}
.r-failed{color:var(--disc);border-color:#f0a5ab;background:#fff0f1}
.r-skipped,.r-queued,.r-running{color:var(--muted);border-color:var(--line);background:var(--bg)}
ul.peerings{list-style:none;margin:0;padding:0}
ul.peerings li{overflow-wrap:anywhere}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:-1px;border:2px solid}
.dot.e-healthy{border-color:var(--ok);background:var(--ok)}
.dot.e-syncNeeded{border-color:var(--sync);border-style:dashed}
.dot.e-oneSided{border-color:var(--one);border-style:dotted}
.dot.e-disconnected{border-color:var(--disc);background:var(--disc);border-radius:2px}
.dot.e-failed{border-color:var(--fail);background:#fff}
footer{color:var(--muted);font-size:.85rem;padding-bottom:24px}
@media (max-width:900px){figure.topology{grid-template-columns:1fr}}
@media (max-width:700px){
.wrap{padding:0 10px}
section{padding:12px}
header.top h1{font-size:1.3rem}
table,thead,tbody,tr,th,td{display:block;width:100%}
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
tr{border-bottom:2px solid var(--line);padding:6px 0}
th,td{border:0;padding:3px 4px}
td::before,tbody th::before{content:attr(data-label);display:block;font-size:.76rem;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.tag{white-space:normal}
}
`;
