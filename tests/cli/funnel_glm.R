# funnel_glm.R: the case-mix model of results.json's funnel refitted in R from episodes.csv (used by
# test_funnel_cli.sh): glm(responder ~ baseline_score [+ route + drug], family = binomial) on the
# mature eligible episodes, factor levels in byte order, rows with an empty covariate left out.
# Usage: Rscript funnel_glm.R DIR COVARIATES  (prints coef/fit/maxdiff/expected lines)
args <- commandArgs(TRUE)
e <- read.csv(file.path(args[1], "episodes.csv"), stringsAsFactors = FALSE, na.strings = "")
d <- subset(e, eligible == 1 & mature == 1)
covs <- strsplit(args[2], ",")[[1]]
for (v in intersect(covs, c("route", "drug"))) { d <- d[!is.na(d[[v]]), ]; d[[v]] <- factor(d[[v]], levels = sort(unique(d[[v]]), method = "radix")) }
rhs <- paste(c(if ("baseline" %in% covs) "baseline_score", intersect(covs, c("route","drug"))), collapse = " + ")
g <- glm(as.formula(paste("responder ~", rhs)), family = binomial, data = d)
cat(sprintf("coef %s %.17g\n", names(coef(g)), coef(g)), sep = "")
cat(sprintf("fit %s %d %d\n", g$converged, g$iter, nrow(d)))
cat(sprintf("maxdiff %.3g\n", max(abs(fitted(g) - d$fitted_response_p))))
for (u in c("clinician", "site")) { ex <- tapply(fitted(g), d[[u]], sum); cat(sprintf("expected %s %s %.17g\n", u, names(ex), ex), sep = "") }
