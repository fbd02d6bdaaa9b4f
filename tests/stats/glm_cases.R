# glm_cases.R: writes the reference values of tests/stats/test_glm.c (pasted into it by hand;
# run `Rscript tests/stats/glm_cases.R` to see them). R 4.2.2, stats::glm with its defaults.
set.seed(16)
out <- function(name, fmla, d) {
  g <- suppressWarnings(glm(fmla, family = binomial, data = d))
  X <- model.matrix(g)
  cat(sprintf("/* %s: glm(%s, family = binomial) */\n", name, deparse(fmla)))
  cat(sprintf("static const double %s_x[] = {%s};\n", name, paste(sprintf("%.17g", t(X)), collapse = ", ")))
  cat(sprintf("static const double %s_y[] = {%s};\n", name, paste(d$y, collapse = ", ")))
  cat(sprintf("static const double %s_coef[] = {%s};\n", name,
              paste(ifelse(is.na(coef(g)), "NAN", sprintf("%.17g", coef(g))), collapse = ", ")))
  cat(sprintf("static const double %s_fitted[] = {%s};\n", name, paste(sprintf("%.17g", fitted(g)), collapse = ", ")))
  cat(sprintf("/* converged %s, iter %d, rank %d, deviance %.17g, sum(fitted) %.17g */\n",
              g$converged, g$iter, g$rank, g$deviance, sum(fitted(g))))
}
n <- 30
b <- sample(10:27, n, replace = TRUE)
d1 <- data.frame(b = b, y = rbinom(n, 1, plogis(2 - 0.12 * b)))
out("plain", y ~ b, d1)
n <- 40
d2 <- data.frame(b = sample(10:27, n, replace = TRUE),
                 route = factor(sample(c("im", "intranasal", "iv"), n, replace = TRUE), levels = c("im", "intranasal", "iv")),
                 drug = factor(sample(c("esketamine", "ketamine"), n, replace = TRUE), levels = c("esketamine", "ketamine")))
d2$y <- rbinom(n, 1, plogis(1.5 - 0.1 * d2$b + 0.5 * (d2$route == "iv") - 0.4 * (d2$drug == "ketamine")))
out("adjusted", y ~ b + route + drug, d2)
x <- c(10, 12, 14, 15, 16, 18, 20, 22, 24, 26)
out("separated", y ~ b, data.frame(b = x, y = as.numeric(x > 17)))
out("all_responders", y ~ b, data.frame(b = x, y = rep(1, 10)))
out("quasi", y ~ b, data.frame(b = x, y = c(0, 0, 0, 1, 0, 1, 1, 1, 1, 1)))
out("constant", y ~ b, data.frame(b = rep(15, 10), y = c(0, 0, 0, 1, 1, 0, 1, 0, 1, 1)))
