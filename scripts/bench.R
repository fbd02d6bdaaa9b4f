# bench.R: what an analyst's R script costs on the benchmark's export, printed by scripts/bench
# beside our time (a reference, not a check of our figures). Reads the export with
# data.table::fread, derives the episodes and their time to response in data.table, and fits the
# Kaplan-Meier curve with survival::survfit, as README "Performance" says:
#   - episodes: a patient's treatment dates, a new one after a gap of more than 90 days; the
#     first is the index date;
#   - PHQ-9 scores: one per patient and date (the first row's; a date whose rows disagree is
#     not set aside as outcomes does);
#   - baseline: the latest score from 14 days before the index date to it; eligible when >= 10;
#   - follow-up: scores after the index date and before the next episode's index date less 14;
#   - response: the first follow-up score with 2 x (baseline - score) >= baseline (an event),
#     else censored at the last follow-up score, in days since the index date;
#   - survfit(Surv(days, event) ~ 1) over the eligible episodes with a follow-up score.
# Usage: Rscript scripts/bench.R EXPORT.csv   (prints one line: rows, episodes, n, median, time)
suppressPackageStartupMessages({
  library(data.table)
  library(survival)
})
t0 <- proc.time()[["elapsed"]]
path <- commandArgs(trailingOnly = TRUE)[1]
d <- fread(path, select = c("patient_id", "session_date", "session_type", "phq9"),
           colClasses = list(character = c("patient_id", "session_date", "session_type")),
           showProgress = FALSE)
rows <- nrow(d)
d[, date := as.IDate(substr(session_date, 1L, 10L))]
d[, session_date := NULL]
setkey(d, patient_id, date)
# episodes from the treatment dates
tr <- unique(d[session_type == "treatment", .(patient_id, date)])
tr[, ep := cumsum(c(TRUE, diff(date) > 90L)), by = patient_id]
ep <- tr[, .(index = date[1L]), by = .(patient_id, ep)]
ep[, next_index := shift(index, type = "lead"), by = patient_id]
ep[, `:=`(from = index - 14L,
          to = fifelse(is.na(next_index), as.IDate("9999-12-31"), next_index - 15L))]
# one score per patient and date, joined to the episode whose window holds it
sc <- unique(d[!is.na(phq9), .(patient_id, date, phq9)], by = c("patient_id", "date"))
sc <- sc[ep, on = .(patient_id, date >= from, date <= to), nomatch = NULL,
         .(patient_id, ep, index = i.index, date = x.date, phq9)]
base <- sc[date <= index, .(baseline = phq9[.N]), by = .(patient_id, ep)][baseline >= 10L]
fu <- sc[date > index][base, on = .(patient_id, ep), nomatch = NULL]
fu[, hit := 2L * (baseline - phq9) >= baseline]
tt <- fu[, {
  k <- which(hit)[1L]
  if (is.na(k)) list(event = 0L, days = as.integer(date[.N] - index[1L]))
  else list(event = 1L, days = as.integer(date[k] - index[1L]))
}, by = .(patient_id, ep)]
fit <- survfit(Surv(days, event) ~ 1, data = tt)
med <- unname(quantile(fit, probs = 0.5, conf.int = FALSE))
cat(sprintf("R %s: %d rows, %d episodes, %d in the fit, median %s days, %.2f s in R\n",
            paste(R.version$major, R.version$minor, sep = "."), rows, nrow(ep), fit$n,
            format(med), proc.time()[["elapsed"]] - t0))
