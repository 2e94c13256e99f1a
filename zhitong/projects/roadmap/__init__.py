"""The roadmap of a project (推进路径图): its approval milestones planned in working days
by reverse scheduling from a target date (倒排工期, seeds/004 聊城) or forward from a start
date, each with its agent (代办员, seeds/002 代办帮办) and responsible unit, the actual
dates, the lights and the green channel (绿色通道, seeds/004).

- `rules`: the default limits per milestone, the green-channel shortening, the working-day
  arithmetic of a plan and the milestone lights — the rules, in one place;
- `machine`: the milestone's table of moves (edit, complete, reopen) on the kernel;
- `services`: planning a roadmap (preview and save) and the moves' services;
- `selectors`: scoped reads, the rows and the chart of the project page;
- `retiming`: the planned dates registered with the working-day calendar;
- `notices`, `jobs`: the due-soon and overdue notices and the periodic job that sends them;
- `forms`, `views`, `urls`, `api`: the pages and the API operations.

docs/projects.md describes the rules for readers.
"""
