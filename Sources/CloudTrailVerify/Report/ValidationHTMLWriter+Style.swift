extension ValidationHTMLWriter {
    /// The page's only style sheet, inline. Colours carry meaning, so printing keeps them
    /// (`print-color-adjust: exact`), and finding cells also carry a letter for black-and-white copies.
    static let style: HTML = """
    :root{--valid:#8bc34a;--backfill:#64b5f6;--invalid:#e53935;--missing:#fb8c00;--unverified:#fdd835;--gap:#9e9e9e;--none:#eeeeee;}
    *{box-sizing:border-box}
    body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff}
    main{max-width:1200px;margin:0 auto;padding:16px 24px}
    h1{margin:0 0 8px;font-size:26px}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:28px}
    code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
    .banner{border-radius:8px;padding:16px 20px;color:#fff}
    .banner.passed{background:#2e7d32}.banner.warned{background:#9a6700}.banner.failed{background:#b71c1c}
    .counts{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:6px 24px}
    .facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}
    .facts dt{font-weight:600}.facts dd{margin:0}
    table{border-collapse:collapse;width:100%;margin:8px 0}
    th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
    th{background:#f5f5f5}
    .muted{color:#666}.bad{color:#b71c1c;font-weight:600}
    .badge{display:inline-block;padding:1px 6px;border-radius:4px;font-size:12px;font-weight:600;background:#eee}
    .st-invalid,.st-missing{background:var(--invalid);color:#fff}.st-unverified{background:var(--unverified)}
    .st-unreferenced{background:var(--missing);color:#fff}.st-valid{background:var(--valid)}.st-gap{background:var(--gap);color:#fff}
    .msg{margin-top:2px}.details{color:#555;font-size:12px;margin-top:2px}
    .explain{background:#fafafa;border-left:4px solid #bbb;padding:4px 12px;margin:6px 0}
    .explain p{margin:4px 0}
    .sev-failures>h3{color:#b71c1c}.sev-warnings>h3{color:#9a6700}
    .chain{border:1px solid #ddd;border-radius:6px;padding:8px 14px;margin:12px 0}.chain h3 code{font-size:15px}
    .gap{border-left:4px solid var(--gap);padding:2px 12px;margin:8px 0}
    svg.timeline{display:block;margin:8px 0;max-width:100%;height:auto}
    svg text{font:11px ui-monospace,Menlo,Consolas,monospace;fill:#444}
    svg text.cl{font-weight:700;text-anchor:middle;fill:#000}
    svg circle.lf{fill:#000}
    .s-valid{fill:var(--valid)}.s-backfill{fill:var(--backfill)}.s-invalid{fill:var(--invalid)}.s-missing{fill:var(--missing)}
    .s-unverified{fill:var(--unverified)}.s-gap{fill:var(--gap)}.s-none{fill:var(--none)}
    rect.inferred{stroke:#000;stroke-dasharray:2 1;stroke-width:1}
    .legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;padding:0;list-style:none}
    .legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-2px;border:1px solid #0002}
    .l-valid{background:var(--valid)}.l-backfill{background:var(--backfill)}.l-invalid{background:var(--invalid)}.l-missing{background:var(--missing)}
    .l-inferred{background:var(--missing);border:1px dashed #000!important}.l-unverified{background:var(--unverified)}.l-gap{background:var(--gap)}.l-none{background:var(--none)}
    #filter{margin:6px 0;padding:4px 8px;width:min(480px,100%)}
    footer{margin-top:32px;color:#666;font-size:12px}
    @media print{
      body{font-size:11px}main{max-width:none;padding:0}
      *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
      details{display:block}details>summary{list-style:none}
      .chain,.gap,tr,.explain{break-inside:avoid}
      h2,h3,h4{break-after:avoid}
      #filter{display:none}
      a{color:inherit;text-decoration:none}
    }
    """

    /// What the timeline's colours and letters mean.
    static let legend: HTML = """
    <ul class="legend"><li><i class="l-valid"></i>valid</li><li><i class="l-backfill"></i>valid backfill</li><li><i class="l-invalid"></i>I invalid</li><li><i class="l-missing"></i>M missing</li><li><i class="l-inferred"></i>M missing, inferred</li><li><i class="l-unverified"></i>U unverified</li><li><i class="l-gap"></i>in a gap</li><li><i class="l-none"></i>no digest</li><li>● the hour's log files have findings</li></ul><p class="muted">One row per UTC day, one cell per hour (the hour a digest covers). Cells with findings link to their rows.</p>
    """

    /// Optional filtering of the finding rows; the page is complete without it.
    static let script: HTML = """
    <script>
    (function(){var f=document.getElementById('findings');if(!f)return;var i=document.createElement('input');i.id='filter';i.type='search';i.placeholder='Filter findings by text';
    f.insertBefore(i,f.children[1]||null);i.addEventListener('input',function(){var q=i.value.toLowerCase();
    document.querySelectorAll('tr.finding').forEach(function(r){r.style.display=!q||r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});})();
    </script>
    """
}
