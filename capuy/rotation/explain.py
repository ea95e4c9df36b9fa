"""Why each leader goes where, in plain words, from the problem and the solution.

"Đ/c Nguyễn Văn A dự sinh hoạt Chi bộ thôn Đông ngày 05/03/2026 vì: chi bộ thuộc diện ưu
tiên (Địa bàn khó khăn, trọng số 3); là lượt dự duy nhất của chi bộ trong kỳ; đồng chí còn
thiếu 2 lượt theo quy định; …"
"""

from __future__ import annotations

from collections import defaultdict

from .solver import Pair, Problem, _, month_index, month_label, ngettext


def explain(
    problem: Problem,
    assignments: set[Pair],
    *,
    reasons: dict[int, str] | None = None,
) -> dict[Pair, str]:
    """One sentence per assignment. ``reasons`` maps a cell key to why it is a priority."""
    reasons = reasons or {}
    rules = problem.rules
    loads: dict[int, int] = defaultdict(int)
    per_month: dict[tuple[int, int], int] = defaultdict(int)
    cell_visits: dict[int, int] = defaultdict(int)
    for leader_key, slot_key in assignments:
        slot = problem.slot_by[slot_key]
        loads[leader_key] += 1
        per_month[leader_key, month_index(slot.day)] += 1
        cell_visits[slot.cell] += 1
    eligible_for_slot: dict[int, list[int]] = defaultdict(list)
    for leader_key, slot_key in problem.pairs():
        eligible_for_slot[slot_key].append(leader_key)

    sentences = {}
    for pair in sorted(assignments, key=lambda p: (problem.slot_by[p[1]].day, p)):
        leader_key, slot_key = pair
        leader = problem.leader_by[leader_key]
        slot = problem.slot_by[slot_key]
        cell = problem.cell_by[slot.cell]
        day = f"{slot.day:%d/%m/%Y}"
        parts = []
        if pair in problem.pins:
            parts.append(_("văn phòng đã ghim phân công này"))
        if cell.priority:
            why = reasons.get(cell.key) or _("địa bàn được đánh dấu")
            parts.append(
                _("chi bộ thuộc diện ưu tiên (%(why)s, trọng số %(weight)s)")
                % {"why": why, "weight": cell.weight}
            )
        else:
            parts.append(_("chi bộ có trọng số %(weight)s") % {"weight": cell.weight})
        if cell_visits[cell.key] == 1:
            if cell.priority and rules.cover_priority:
                parts.append(_("là lượt dự duy nhất, bảo đảm chi bộ có người dự trong kỳ"))
            else:
                parts.append(_("là lượt dự duy nhất của chi bộ trong kỳ"))
        if leader.shortfall:
            parts.append(
                ngettext(
                    "đồng chí còn thiếu %(n)s lượt theo quy định",
                    "đồng chí còn thiếu %(n)s lượt theo quy định",
                    leader.shortfall,
                )
                % {"n": leader.shortfall}
            )
        target = problem.target(leader)
        parts.append(
            ngettext(
                "đồng chí có %(n)s lượt trong kỳ (mức cân bằng %(target)s lượt)",
                "đồng chí có %(n)s lượt trong kỳ (mức cân bằng %(target)s lượt)",
                loads[leader_key],
            )
            % {"n": loads[leader_key], "target": target}
        )
        mi = month_index(slot.day)
        parts.append(
            _("tháng %(month)s đồng chí dự %(n)s/%(k)s buổi")
            % {"month": month_label(mi), "n": per_month[leader_key, mi], "k": rules.max_per_month}
        )
        others = [k for k in eligible_for_slot.get(slot_key, []) if k != leader_key]
        if others:
            lighter = sum(
                1
                for k in others
                if loads[k] - problem.leader_by[k].shortfall < loads[leader_key] - leader.shortfall
            )
            if lighter == 0:
                parts.append(
                    _("trong %(n)s đồng chí có thể dự buổi này, đồng chí thuộc nhóm ít lượt nhất")
                    % {"n": len(others) + 1}
                )
            else:
                parts.append(_("có %(n)s đồng chí có thể dự buổi này") % {"n": len(others) + 1})
        else:
            parts.append(_("là đồng chí duy nhất có thể dự buổi này"))
        last = leader.last_visit.get(cell.key)
        if last is not None:
            parts.append(
                _("lần gần nhất đồng chí dự chi bộ này là tháng %(month)s")
                % {"month": month_label(last)}
            )
        elif rules.min_months_between:
            parts.append(
                ngettext(
                    "đồng chí chưa dự chi bộ này trong %(n)s tháng qua",
                    "đồng chí chưa dự chi bộ này trong %(n)s tháng qua",
                    rules.min_months_between,
                )
                % {"n": rules.min_months_between}
            )
        parts.append(
            _("ngày %(day)s không phải ngày lễ, đồng chí không có lịch vắng") % {"day": day}
        )
        if pair in problem.previous and pair not in problem.pins:
            parts.append(_("giữ nguyên như phương án lần trước"))
        sentences[pair] = _("Đ/c %(leader)s dự sinh hoạt %(cell)s ngày %(day)s vì: %(why)s.") % {
            "leader": leader.name,
            "cell": cell.name,
            "day": day,
            "why": "; ".join(parts),
        }
    return sentences
