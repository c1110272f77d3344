"""Build the domain glossary in corrections/glossary/ from source texts and budget vocabulary.

    python corrections/glossary.py [SOURCE_DIR]

SOURCE_DIR holds plain-text copies of budget and performance-target tables (cells separated by
tabs, or laid out as running text). Terms are gathered by kind, one file per kind:

    indicators.txt   names of performance indicators (三级指标)
    projects.txt     project and task names
    departments.txt  departments and budget units
    units.txt        units of measure
    phrases.txt      table headings and phrases common to these tables

General budget vocabulary written out below is added to what the texts give. A text term in
which a better attested term appears with a look-alike character or two in place of its own
(confusables.tsv) is a misreading in the source (some sources are OCR output) and is left
out. The output is sorted, so a rebuild from the same sources gives the same files.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

from digitize.output import write_atomic

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "glossary"
DEFAULT_SOURCES = HERE.parent.parent / "shared" / "seeds"

HAN = r"\u3400-\u9fff"
LEVEL = re.compile(rf"^[{HAN}]{{0,6}}指标$")  # 产出指标, 数量指标, 社会效益指标 ...
INDICATOR_IN_TEXT = re.compile(
    rf"[{HAN}]{{2,8}}指标[:：]([^:：，,。；;]{{2,40}}?)[,，]年度指标值")
PROJECT = re.compile(rf"[{HAN}“（][{HAN}0-9（）()〔〕“”]{{3,40}}(?:经费|项目|专项资金|补助|补贴|费)")
# A department named in running text: city and district, or city and branch office ("分局").
DEPARTMENT = re.compile(
    rf"[{HAN}]{{2}}市(?:[{HAN}]{{2,4}}[区县](?:司法局|财政局|人民政府)"
    rf"|(?:司法局|财政局)[{HAN}]{{2,4}}分局)")
DEPARTMENT_CELL = re.compile(rf"[{HAN}（）]{{2,30}}(?:局|处|所|中心|委员会|办公室|协会|政府|（本级）)")
CLAUSE_SPLIT = re.compile(r"[\s，,。；;：:、！？“”\"《》（）()\[\]【】/]+")
MIN_LEN, MAX_LEN = 2, 30

# General vocabulary of budget disclosures and performance targets, by kind.
GENERAL = {
    "indicators": """
        刑满释放人员再犯罪率 社区矫正对象再犯罪率 社区矫正对象重新犯罪率 刑满释放人员安置帮教率
        刑满释放人员衔接率 社区矫正对象教育帮扶覆盖率 矛盾纠纷调解成功率 人民调解成功率
        法律援助案件办结率 法律援助案件质量合格率 法律援助受援人满意度 法律咨询解答率
        公共法律服务满意度 服务对象满意度 群众满意度 社会公众满意度 项目完成率 预算执行率
        资金支付及时率 资金使用合规率 资金到位率 政府采购执行率 项目验收合格率 任务完成率
        任务按时完成率 培训覆盖率 培训参训率 普法宣传覆盖率 普法宣传活动场次 法治宣传教育覆盖率
        行政复议案件办结率 行政应诉案件出庭率 行政机关负责人出庭应诉率 规范性文件审查率
        合法性审查率 公证办证差错率 公证质量合格率 司法鉴定投诉处理率 律师执业投诉处理率
        法律顾问覆盖率 村居法律顾问覆盖率 人民调解员培训率 调解协议履行率 社区矫正对象接收率
        社区矫正对象监管率 安置帮教对象帮教率 重点人员衔接率 信息系统运行正常率 设备完好率
        办公设备正常使用率 场地设施使用率 经费保障率 人员经费保障率 公用经费保障率 三公经费控制率
        预决算公开率 绩效目标完成率 项目按期完成率 成本控制率 单位成本 社会效益 经济效益
        生态效益 可持续影响 受益人数 受益群众满意度
    """,
    "projects": """
        法律援助经费 法律援助专项经费 人民调解工作经费 人民调解以案定补经费 社区矫正工作经费
        社区矫正专项经费 安置帮教工作经费 普法宣传经费 普法工作专项经费 法治宣传教育经费
        公共法律服务体系建设经费 公共法律服务中心运行经费 法律顾问经费 政府法律顾问经费
        村居法律顾问经费 一村一法律顾问经费 行政复议工作经费 行政应诉工作经费 司法所建设经费
        司法所运行经费 信息化建设经费 信息系统运维经费 办公设备购置经费 物业管理费 业务培训经费
        购买社会工作专业化服务经费 司法社工项目 政府购买服务项目 法治政府建设经费
        行政诉讼律师费 政府聘请法律顾问费 禁毒工作经费 戒毒康复工作经费 公证工作经费
        司法鉴定工作经费 律师工作经费 法律职业资格考试经费 国家统一法律职业资格考试经费
    """,
    "departments": """
        司法局 司法所 财政局 公证处 法律援助处 法律援助中心 公共法律服务中心 人民调解委员会
        社区矫正中心 社区矫正管理局 普法办公室 依法治区办公室 依法治市办公室 律师协会
        人民调解协会 人民政府 财政部门 预算单位 主管部门 主管预算单位 一级预算单位 二级预算单位
        行政单位 事业单位 街道办事处 居民委员会 村民委员会
    """,
    "units": """
        万元 元 千元 亿元 元/人 万元/人/年 元/村 元/件 % 个 件 宗 次 场 场次 期 人 人次 万人次
        名 户 家 村 社区 个社区 所 项 套 台 份 册 篇 条 批 小时 天 日 月 季度 年 年度 工作日 平方米
        公里 类 期次 课时 宗/年 次/年 场/年 件/年 个/年
    """,
    "phrases": """
        项目支出绩效目标表 部门整体支出绩效目标表 部门整体预算绩效目标申报表 部门整体支出绩效目标批复表
        项目支出绩效目标表（含转移支付项目） 一般公共预算 一般公共预算支出 政府性基金预算
        国有资本经营预算 财政拨款 财政拨款收入 财政专户拨款 财政专户管理资金 其他资金 其他收入
        上年结转 事业收入 经营收入 收入合计 支出合计 本年收入 本年支出 年初结转和结余 年末结转和结余
        基本支出 项目支出 人员经费 公用经费 工资福利支出 商品和服务支出 对个人和家庭的补助
        资本性支出 功能分类科目 经济分类科目 科目编码 科目名称 项目名称 项目代码 预算金额
        预算数 决算数 执行数 合计 小计 总计 金额 单位 部门名称 单位名称 主管部门 预算单位
        资金使用单位 绩效目标 绩效指标 总体绩效目标 年度绩效目标 一级指标 二级指标 三级指标
        指标值 年度指标值 实施周期指标值 年度计划指标值 计划水平 产出指标 效益指标 满意度指标
        成本指标 数量指标 质量指标 时效指标 经济效益指标 社会效益指标 生态效益指标
        可持续影响指标 服务对象满意度指标 经济成本指标 社会成本指标 生态环境成本指标
        年度主要任务 年度重点工作任务 任务名称 主要内容 主要实施内容 拟投入的资金 期望达到的目标
        其他需完成的任务 部门预算支出 收入来源 按预算级次划分 事业发展性支出 财政专项资金
        其他事业发展性支出 区本级使用资金 拟用于对下转移支付资金 年度预算金额 金额合计
        转移支付 转移支付项目 对下转移支付 专项转移支付 一般性转移支付 三公经费 因公出国（境）费用
        公务用车购置及运行费 公务接待费 会议费 培训费 差旅费 办公费 印刷费 邮电费 水电费 物业管理费
        维修（护）费 租赁费 委托业务费 劳务费 政府采购 政府购买服务 司法行政 司法社工 人民调解
        法律援助 社区矫正 安置帮教 公共法律服务 法治宣传 普法宣传 法律顾问 法律咨询 行政复议
        行政应诉 依法治区 依法行政 法治政府 法治社会 矛盾纠纷 刑满释放人员 社区矫正对象
        人民调解员 法律服务 服务对象 年度指标值： 公共安全支出 司法 基层司法业务 普法宣传
        律师管理 公共法律服务 社区矫正 法治建设 其他司法支出 行政运行 一般行政管理事务 机关服务
        事业运行 其他一般公共服务支出 社会保障和就业支出 住房保障支出 住房公积金 医疗保障
    """,
}


def squash(text: str) -> str:
    """Cell text without the spaces and line breaks that layout puts inside words."""
    return re.sub(r"\s+", "", text)


def plausible(term: str) -> bool:
    return MIN_LEN <= len(term) <= MAX_LEN and bool(re.search(f"[{HAN}]", term))


def table_rows(text: str) -> list[list[str]]:
    return [[squash(c) for c in line.split("\t")] for line in text.splitlines() if "\t" in line]


def indicator_names(text: str) -> list[str]:
    """Indicator names: "产出指标：NAME，年度指标值" in running text, and in tab tables the cell
    after an indicator level (or the first cell of a row continuing such a block)."""
    names = INDICATOR_IN_TEXT.findall(squash(text))
    in_block = False
    for row in table_rows(text):
        cells = [c for c in row if c]
        if not cells:
            continue
        if "三级指标" in cells:
            in_block = True
            continue
        if not in_block:
            continue
        for cell in cells:
            if cell == "绩效指标" or LEVEL.match(cell):
                continue
            if not re.search(r"\d", cell) and len(cell) >= 3:
                names.append(cell)
            break
    return names


def column_cells(text: str, headers: tuple[str, ...]) -> list[str]:
    """Cells under any of the given column headers, in the tab tables of a text."""
    found = []
    column = None
    for row in table_rows(text):
        hit = next((i for i, c in enumerate(row) if c in headers), None)
        if hit is not None:
            column = hit
            continue
        if column is not None and column < len(row) and row[column]:
            found.append(row[column])
    return found


def project_names(text: str) -> list[str]:
    """Cells under a project or task name header, and cells shaped like a project name."""
    cells = column_cells(text, ("项目名称", "项目名称（资金使用单位）", "任务名称"))
    cells += [c for row in table_rows(text) for c in row if PROJECT.fullmatch(c)]
    return [c for c in cells if not re.search(r"[。；，]", c)
            and not DEPARTMENT_CELL.fullmatch(c) and not LEVEL.match(c)]


def department_names(text: str) -> list[str]:
    cells = column_cells(text, ("主管部门", "预算单位", "部门名称"))
    cells = [re.sub(r"[（(]部门[）)]$", "", c) for c in cells]
    return [c for c in cells if DEPARTMENT_CELL.fullmatch(c)] + DEPARTMENT.findall(squash(text))


def phrases(text: str) -> list[str]:
    """Short header-like cells of the tab tables and short clauses of the running text."""
    cells = [c for row in table_rows(text) for c in row if c and len(c) <= 16 and not re.search(r"\d", c)]
    clauses = [c for c in CLAUSE_SPLIT.split(text) if 4 <= len(c) <= 12 and re.fullmatch(f"[{HAN}]+", c)]
    return cells + clauses


EXTRACT = {
    "indicators": indicator_names,
    "projects": project_names,
    "departments": department_names,
    "phrases": phrases,
}


def build(sources: list[Path]) -> dict[str, list[str]]:
    """Terms by kind. Support of a term: how many source texts hold it; general vocabulary is
    attested beyond doubt. Clauses of running text count only when two texts share them."""
    support: dict[str, dict[str, float]] = {kind: defaultdict(float) for kind in GENERAL}
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for kind, extract in EXTRACT.items():
            for term in set(extract(text)):
                if plausible(term):
                    support[kind][term] += 1
    for kind, words in GENERAL.items():
        for term in words.split():
            support[kind][term] = float("inf")
    everywhere: dict[str, float] = defaultdict(float)
    for terms in support.values():
        for term, count in terms.items():
            everywhere[term] = max(everywhere[term], count)
    confusable = load_confusables()
    glossary = {}
    for kind, terms in support.items():
        kept = {t for t, n in terms.items() if n == float("inf") or not misreading(t, everywhere, confusable)}
        if kind == "phrases":  # a clause seen once is as likely prose as a phrase
            kept = {t for t in kept if terms[t] >= 2}
        glossary[kind] = sorted(kept)
    return glossary


def misreading(term: str, support: dict[str, float], confusable: set[tuple[str, str]]) -> bool:
    """Does part of this term read as a better attested term with look-alike characters
    in place of its own ("可法任工人数" holds a misread "司法社工")?"""
    for other, count in support.items():
        if count <= support[term] or len(other) > len(term) or len(other) < 3:
            continue
        for start in range(len(term) - len(other) + 1):
            pairs = [(a, b) for a, b in zip(term[start:start + len(other)], other, strict=True) if a != b]
            if pairs and len(pairs) <= max(1, len(other) // 2) and all(p in confusable for p in pairs):
                return True
    return False


def load_confusables(path: Path = HERE / "confusables.tsv") -> set[tuple[str, str]]:
    """Look-alike character pairs, both ways round."""
    pairs = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            a, b = line.split("\t")[:2]
            pairs |= {(a, b), (b, a)}
    return pairs


def main(argv: list[str]) -> int:
    source_dir = Path(argv[0]) if argv else DEFAULT_SOURCES
    sources = sorted(source_dir.glob("*.txt"))
    if not sources:
        print(f"{source_dir}: no source texts (*.txt)", file=sys.stderr)
        return 2
    OUT_DIR.mkdir(exist_ok=True)
    glossary = build(sources)
    for kind, terms in glossary.items():
        header = (f"# {kind}: built by corrections/glossary.py from {len(sources)} source texts"
                  " and general vocabulary\n")
        write_atomic(OUT_DIR / f"{kind}.txt", (header + "".join(t + "\n" for t in terms)).encode("utf-8"))
    counts = ", ".join(f"{kind} {len(terms)}" for kind, terms in glossary.items())
    print(f"glossary: {sum(len(t) for t in glossary.values())} terms ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
