# glm_diff.R: R's fits of the cases glm_diff.c draws (test_glm_diff.sh). Usage:
#   Rscript glm_diff.R CASES OUTPUT
# For a case "G id n p" (then the n x p design row by row, then y) it writes
#   G id converged iter rank separation-warning coefficients... fitted...
# from stats::glm.fit(X, y, family = binomial()) (NA for an aliased coefficient), or
#   G id ERROR <message>  where glm.fit stops, or warns "non-finite coefficients".
args <- commandArgs(trailingOnly = TRUE)
lines <- readLines(args[1])
out <- file(args[2], "w")
f <- function(x) paste(sprintf("%.17g", x), collapse = " ")
i <- 1
while (i <= length(lines)) {
  h <- strsplit(lines[i], " ", fixed = TRUE)[[1]]
  n <- as.integer(h[3]); p <- as.integer(h[4])
  X <- matrix(as.numeric(strsplit(lines[i + 1], " ", fixed = TRUE)[[1]]), nrow = n, ncol = p, byrow = TRUE)
  y <- as.numeric(strsplit(lines[i + 2], " ", fixed = TRUE)[[1]])
  i <- i + 3
  sep <- 0; nonfinite <- FALSE
  fit <- tryCatch(withCallingHandlers(glm.fit(X, y, family = binomial()),
    warning = function(w) {
      m <- conditionMessage(w)
      if (grepl("fitted probabilities numerically 0 or 1", m)) sep <<- 1
      if (grepl("non-finite coefficients", m)) nonfinite <<- TRUE
      invokeRestart("muffleWarning")
    }), error = function(e) e)
  if (inherits(fit, "error") || nonfinite) {
    msg <- if (nonfinite) "non-finite coefficients" else gsub("[\r\n]+", " ", conditionMessage(fit))
    writeLines(paste("G", h[2], "ERROR", msg), out)
  } else {
    writeLines(paste("G", h[2], fit$converged, fit$iter, fit$rank, sep, f(fit$coefficients),
                     f(fit$fitted.values)), out)
  }
}
close(out)
