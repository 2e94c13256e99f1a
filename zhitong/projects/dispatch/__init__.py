"""Dispatch, consultation, inspection and the leaders' digest of major projects (issue 10,
"Dispatch and fast tracks", "Dispatch and inspection", "Leaders' monthly digest"):

- dispatch sessions (调度会): the city's quarterly and the counties' monthly dispatch of key
  projects (seeds/002 市旗两级分别实行政企沟通“季调度”和“月调度”机制; seeds/004 毕节
  “一旬一调度、一月一通报、一季一督查”), each recording the projects dispatched and the
  decision per project, and a coverage check of the projects in approval or construction
  that a period's dispatch missed;
- the admission-and-landing consultation (准入落地会商, seeds/002) recorded before signing;
  the stage table's `sign` move is refused until one concluded 同意 (guards.py);
- the quarterly random inspection of 10% of the signed projects (seeds/003 九(四)), drawn
  reproducibly from a recorded seed (draw.py), with the findings per project;
- the leaders' monthly digest (市领导联系重点项目月报, seeds/004 江山): a page, a message
  and a .docx per city leader (digest.py, documents.py).

The models live in `models.py` here and are imported by `projects.models` (one app, one
set of migrations)."""
