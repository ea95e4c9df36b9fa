"""Why each leader goes where, in plain Vietnamese, from the problem and the solution.

"Đ/c Nguyễn Văn A dự sinh hoạt Chi bộ thôn Đông ngày 05/03/2026 vì: chi bộ thuộc diện ưu
tiên (Địa bàn khó khăn, trọng số 3); là lượt dự duy nhất của chi bộ trong kỳ; đồng chí còn
thiếu 2 lượt theo quy định; …"
"""

from __future__ import annotations

from collections import defaultdict

from .solver import Pair, Problem, month_index, month_label


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
        parts = []
        if pair in problem.pins:
            parts.append("văn phòng đã ghim phân công này")
        if cell.priority:
            why = reasons.get(cell.key) or "địa bàn được đánh dấu"
            parts.append(f"chi bộ thuộc diện ưu tiên ({why}, trọng số {cell.weight})")
        else:
            parts.append(f"chi bộ có trọng số {cell.weight}")
        if cell_visits[cell.key] == 1:
            if cell.priority and rules.cover_priority:
                parts.append("là lượt dự duy nhất, bảo đảm chi bộ có người dự trong kỳ")
            else:
                parts.append("là lượt dự duy nhất của chi bộ trong kỳ")
        if leader.shortfall:
            parts.append(f"đồng chí còn thiếu {leader.shortfall} lượt theo quy định")
        target = problem.target(leader)
        parts.append(f"đồng chí có {loads[leader_key]} lượt trong kỳ (mức cân bằng {target} lượt)")
        mi = month_index(slot.day)
        parts.append(
            f"tháng {month_label(mi)} đồng chí dự {per_month[leader_key, mi]}/"
            f"{rules.max_per_month} buổi"
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
                    f"trong {len(others) + 1} đồng chí có thể dự buổi này, đồng chí thuộc "
                    f"nhóm ít lượt nhất"
                )
            else:
                parts.append(f"có {len(others) + 1} đồng chí có thể dự buổi này")
        else:
            parts.append("là đồng chí duy nhất có thể dự buổi này")
        last = leader.last_visit.get(cell.key)
        if last is not None:
            parts.append(f"lần gần nhất đồng chí dự chi bộ này là tháng {month_label(last)}")
        elif rules.min_months_between:
            parts.append(f"đồng chí chưa dự chi bộ này trong {rules.min_months_between} tháng qua")
        parts.append(f"ngày {slot.day:%d/%m/%Y} không phải ngày lễ, đồng chí không có lịch vắng")
        if pair in problem.previous and pair not in problem.pins:
            parts.append("giữ nguyên như phương án lần trước")
        sentences[pair] = (
            f"Đ/c {leader.name} dự sinh hoạt {cell.name} ngày {slot.day:%d/%m/%Y} vì: "
            + "; ".join(parts)
            + "."
        )
    return sentences
