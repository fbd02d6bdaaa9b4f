# r_diff.R: R's answers for the cases r_diff.c draws (test_r_diff.sh). Usage:
#   Rscript r_diff.R CASES OUTPUT
# For a survival case "S id n G" (then lines of times, events, groups) it writes
#   S id / K rows, then per curve row: time n.risk n.event n.censor surv std.err lower upper
#   (fit <- survfit(Surv(t, e) ~ 1), fit's own vectors: one row per distinct time)
#   Q quantile(fit, c(.25, .5, .75), conf.int = TRUE): quantile lower upper for each
#   L survdiff(Surv(t, e) ~ factor(g)): chisq, sum(exp > 0) - 1, pvalue; or ERROR <message>
# and for a proportion case "P id x n"
#   P id / W prop.test(x, n, correct = FALSE)$conf.int / B binom.test(x, n)$conf.int
#   (or ERROR <message>; above n = 1e5 binom.test's own qbeta lines, see below). Numbers as sprintf("%.17g"): NA, NaN, Inf as R writes them.
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
lines <- readLines(args[1])
out <- file(args[2], "w")
num <- function(x) paste(sprintf("%.17g", x), collapse = " ")
err <- function(e) paste("ERROR", gsub("[\r\n]+", " ", conditionMessage(e)))
i <- 1
res <- vector("list", length(lines))
nres <- 0
while (i <= length(lines)) {
  h <- strsplit(lines[i], " ", fixed = TRUE)[[1]]
  if (h[1] == "S") {
    t <- as.numeric(strsplit(lines[i + 1], " ", fixed = TRUE)[[1]])
    e <- as.integer(strsplit(lines[i + 2], " ", fixed = TRUE)[[1]])
    g <- factor(as.integer(strsplit(lines[i + 3], " ", fixed = TRUE)[[1]]))
    i <- i + 4
    fit <- survfit(Surv(t, e) ~ 1)
    f <- function(x) sprintf("%.17g", x)
    rows <- paste(f(fit$time), f(fit$n.risk), f(fit$n.event), f(fit$n.censor), f(fit$surv),
                  f(fit$std.err), f(fit$lower), f(fit$upper))
    q <- quantile(fit, c(.25, .5, .75), conf.int = TRUE)
    qq <- num(as.vector(rbind(q$quantile, q$lower, q$upper)))
    lr <- tryCatch({
      s <- survdiff(Surv(t, e) ~ g)
      num(c(s$chisq, sum(s$exp > 0) - 1, s$pvalue))
    }, error = err, warning = function(w) {
      s <- suppressWarnings(survdiff(Surv(t, e) ~ g))
      num(c(s$chisq, sum(s$exp > 0) - 1, s$pvalue))
    })
    nres <- nres + 1
    res[[nres]] <- c(paste("S", h[2]), paste("K", length(fit$time)), rows, paste("Q", qq),
                     paste("L", lr))
  } else {
    x <- as.numeric(h[3])
    n <- as.numeric(h[4])
    i <- i + 1
    w <- tryCatch(num(as.vector(prop.test(x, n, correct = FALSE)$conf.int)),
                  error = err, warning = function(w)
                    num(as.vector(suppressWarnings(prop.test(x, n, correct = FALSE))$conf.int)))
    # binom.test's p-value sums dbinom over all n (a fifth of a second at n = 5e6): above 1e5,
    # its conf.int from the very lines binom.test computes it with (stats:::binom.test, R 4.2)
    alpha <- (1 - 0.95) / 2
    b <- if (n > 1e5) num(c(if (x == 0) 0 else qbeta(alpha, x, n - x + 1),
                            if (x == n) 1 else qbeta(1 - alpha, x + 1, n - x)))
         else tryCatch(num(as.vector(binom.test(x, n)$conf.int)), error = err)
    nres <- nres + 1
    res[[nres]] <- c(paste("P", h[2]), paste("W", w), paste("B", b))
  }
}
writeLines(unlist(res[seq_len(nres)]), out)
close(out)
