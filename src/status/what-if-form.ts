/**
 * The status page's what-if form: pick a VNet, give the prefixes to add or remove, and the page asks
 * POST /api/what-if (with the page's own function key, taken from its address) and shows the answer,
 * highlighting in the diagram the peerings that would need a sync or be refused. The answer is
 * built with `textContent` only: nothing from ARM or the answer is ever parsed as HTML.
 */
import { esc } from "./html.js";
import type { StatusReport } from "./model.js";

export function whatIfSection(report: StatusReport): string {
  const readable = report.topology.vnets.filter((v) => v.visibility === "read");
  if (readable.length === 0) return "";
  const options = readable
    .map(
      (v) =>
        `<option value="${esc(v.id)}">${esc(`${v.name} (${v.resourceGroup}): ${v.addressPrefixes.join(", ")}`)}</option>`,
    )
    .join("");
  return [
    `<section id="what-if" aria-labelledby="what-if-h"><h2 id="what-if-h">What if you resize a VNet?</h2>`,
    `<p class="intro">Before you change an address space: what Azure would refuse, which peerings then need a sync and who makes it. Nothing is written. The affected peerings light up in the diagram above.</p>`,
    `<form id="what-if-form" class="what-if"><label>VNet <select name="vnet" required>${options}</select></label>`,
    `<label>Add <input name="add" placeholder="10.101.0.0/16, ..." autocomplete="off"></label>`,
    `<label>Remove <input name="remove" placeholder="10.0.0.0/16" autocomplete="off"></label>`,
    `<button type="submit">Run what-if</button></form>`,
    `<div id="what-if-answer" aria-live="polite"></div>`,
    `<style>#what-if form{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:end}#what-if label{display:flex;flex-direction:column;font-size:.85rem;gap:.2rem;min-width:0;max-width:100%}#what-if select,#what-if input{font:inherit;padding:.3rem;max-width:100%;box-sizing:border-box}#what-if-answer .verdict{font-weight:600}.edge.whatif-hit line{stroke:#b7791f;stroke-width:5}.edge.whatif-refused line{stroke:#c53030;stroke-width:5}</style>`,
    `<script>${WHAT_IF_SCRIPT}</script>`,
    `</section>`,
  ].join("");
}

// Runs in the browser. The function key is the page's own (`?code=` of its address, or none when the
// host checks keys another way); /api/what-if sits next to /api/status.
export const WHAT_IF_SCRIPT = `(()=>{
const form=document.getElementById('what-if-form'),out=document.getElementById('what-if-answer');
const list=(s)=>s.split(/[\\s,]+/).filter(Boolean);
const el=(tag,text,cls)=>{const e=document.createElement(tag);if(text!==undefined)e.textContent=text;if(cls)e.className=cls;return e;};
const pairKey=(a,b)=>[a.toLowerCase(),b.toLowerCase()].sort().join(' ');
const mark=(answer)=>{
  for(const g of document.querySelectorAll('.edge.whatif-hit,.edge.whatif-refused'))g.classList.remove('whatif-hit','whatif-refused');
  const hit=new Set(answer.followUp.map((f)=>pairKey(f.vnetId,f.remoteVnetId)));
  const refused=new Set(answer.refused.filter((r)=>r.otherVnetId).map((r)=>pairKey(r.vnetId,r.otherVnetId)));
  for(const r of answer.refused)if(r.peeringId){const v=r.peeringId.split('/virtualNetworkPeerings/')[0];refused.add(pairKey(v,r.vnetId));}
  let n=0;
  for(const g of document.querySelectorAll('.edge[data-pair]')){const k=g.getAttribute('data-pair');if(refused.has(k)){g.classList.add('whatif-refused');n++;}else if(hit.has(k)){g.classList.add('whatif-hit');n++;}}
  return n;
};
form.addEventListener('submit',async(ev)=>{
  ev.preventDefault();
  const data=new FormData(form),body={vnet:data.get('vnet')};
  const add=list(String(data.get('add')||'')),remove=list(String(data.get('remove')||''));
  if(add.length)body.add=add;if(remove.length)body.remove=remove;
  const code=new URLSearchParams(location.search).get('code');
  out.replaceChildren(el('p','Asking Azure Resource Manager...'));
  let res,answer;
  try{res=await fetch('what-if'+(code?'?code='+encodeURIComponent(code):''),{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(body)});answer=await res.json();}
  catch(e){out.replaceChildren(el('p','The what-if could not be run: '+e.message));return;}
  if(!res.ok){out.replaceChildren(el('p','Refused: '+((answer&&answer.error&&answer.error.message)||res.status)));return;}
  const words={refused:'Refused: Azure would not accept this change as it stands.',followUp:'Accepted, then peerings must be synced.',nothing:'Nothing to do: no peering needs a sync.'};
  const parts=[el('p',words[answer.verdict]||answer.verdict,'verdict verdict-'+answer.verdict)];
  const section=(title,items,line)=>{if(!items.length)return;parts.push(el('h3',title));const ul=el('ul');for(const i of items)ul.append(el('li',line(i)));parts.push(ul);};
  section('Refused',answer.refused,(r)=>r.code+': '+r.message);
  section('Follow-up syncs',answer.followUp,(f)=>(f.peeringName||'its peering')+' on '+f.vnetName+' (subscription '+f.subscriptionId+'): '+(f.by==='product'?'vnet-peering-sync':'a human, '+f.manualReason)+'. '+f.note);
  section('Warnings',answer.warnings,(w)=>w.code+': '+w.message);
  const n=mark(answer);
  parts.push(el('p',n+' peering'+(n===1?'':'s')+' highlighted in the diagram.','note'));
  out.replaceChildren(...parts);
});
})();`;
