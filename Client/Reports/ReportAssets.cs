namespace Orchestrator.Client.Reports;

/// <summary>The report's inline style and script (sorting and filtering the trial table, one page of rows at a time).</summary>
public static class ReportAssets
{
    public const string Css = """
        body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
        h1 { margin-bottom: 4px; } h2 { margin-top: 28px; border-bottom: 1px solid #ddd; }
        .plots { display: flex; flex-wrap: wrap; gap: 12px; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
        th { background: #f4f4f4; } table.sortable th { cursor: pointer; }
        th.asc::after { content: " ▲"; } th.desc::after { content: " ▼"; }
        td:last-child { text-align: left; max-width: 420px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        """;

    public const string Script = """
        (function () {
          const PAGE = 500;
          const rows = JSON.parse(document.getElementById('trial-data').textContent);
          const table = document.getElementById('trials');
          const headers = Array.from(table.querySelectorAll('th'));
          const body = table.querySelector('tbody');
          const filter = document.getElementById('filter');
          const shown = document.getElementById('shown');
          let sortColumn = -1, ascending = true;
          const text = (v) => v === null || v === undefined ? '' : String(v);
          function render() {
            const words = filter.value.toLowerCase().split(/\s+/).filter(w => w.length > 0);
            let view = words.length === 0 ? rows : rows.filter(r => {
              const line = headers.map((h, i) => h.dataset.key.toLowerCase() + '=' + text(r[i]).toLowerCase()).join(' ');
              return words.every(w => line.includes(w));
            });
            if (sortColumn >= 0) {
              const c = sortColumn, sign = ascending ? 1 : -1;
              view = view.slice().sort((a, b) => {
                const x = a[c], y = b[c];
                if (x === null || x === undefined) return 1;
                if (y === null || y === undefined) return -1;
                return (typeof x === 'number' && typeof y === 'number' ? x - y : text(x).localeCompare(text(y))) * sign;
              });
            }
            body.textContent = '';
            const fragment = document.createDocumentFragment();
            for (const r of view.slice(0, PAGE)) {
              const tr = document.createElement('tr');
              for (const v of r) { const td = document.createElement('td'); td.textContent = typeof v === 'number' ? String(v) : text(v); tr.appendChild(td); }
              fragment.appendChild(tr);
            }
            body.appendChild(fragment);
            shown.textContent = view.length > PAGE ? `showing ${PAGE} of ${view.length} matching trials (sort or filter to see others)` : `${view.length} trials`;
          }
          headers.forEach((h, i) => h.addEventListener('click', () => {
            ascending = sortColumn === i ? !ascending : true;
            sortColumn = i;
            headers.forEach(o => o.classList.remove('asc', 'desc'));
            h.classList.add(ascending ? 'asc' : 'desc');
            render();
          }));
          filter.addEventListener('input', render);
          render();
        })();
        """;
}
