# forecast-reference.R: the reference forecasts for bench/forecast, from R's
# forecast package (Debian r-cran-forecast), in the same CSV as
# `sentiactl forecast` writes, with the CPU time of the fitting alone.
#
#   Rscript bench/forecast-reference.R METHOD PERIOD HORIZON INPUT OUTPUT
#
# METHOD is ets (forecast::ets, every model it considers, then forecast())
# or thetaf (forecast::thetaf). INPUT is the long CSV id,t,value (rows of an
# id contiguous, t ascending, an empty value for a missing period). OUTPUT
# gets id,k,forecast,lo80,hi80,lo95,hi95,method. On standard output, one
# line: "series N failed F cpu_seconds S", S being the user and system CPU
# time of the loop over the series (reading, writing and loading R are
# left out). A series that cannot be forecast is named on standard error.

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 5 || !(args[1] %in% c("ets", "thetaf"))) {
	cat("usage: Rscript forecast-reference.R ets|thetaf PERIOD HORIZON INPUT OUTPUT\n", file = stderr())
	quit(status = 2)
}
method <- args[1]
period <- as.integer(args[2])
horizon <- as.integer(args[3])
if (is.na(period) || period < 1 || is.na(horizon) || horizon < 1) {
	cat("forecast-reference.R: PERIOD and HORIZON are whole numbers from 1\n", file = stderr())
	quit(status = 2)
}
suppressPackageStartupMessages(library(forecast))

d <- read.csv(args[4], colClasses = c("character", "character", "numeric"), na.strings = "")
ids <- unique(d$id)
series <- split(d$value, factor(d$id, levels = ids))

one <- function(y) {
	y <- ts(y, frequency = period)
	if (method == "ets")
		forecast(ets(y), h = horizon, level = c(80, 95))
	else
		thetaf(y, h = horizon, level = c(80, 95))
}

out <- vector("list", length(ids))
failed <- 0L
t0 <- proc.time()
for (i in seq_along(ids)) {
	fc <- tryCatch(one(series[[i]]), error = function(e) e)
	if (inherits(fc, "error")) {
		cat(sprintf("forecast-reference.R: series %s: %s\n", ids[i], conditionMessage(fc)), file = stderr())
		failed <- failed + 1L
		next
	}
	out[[i]] <- list(mean = as.numeric(fc$mean), lower = matrix(fc$lower, ncol = 2),
	                 upper = matrix(fc$upper, ncol = 2), model = fc$method)
}
t1 <- proc.time()
cpu <- (t1[["user.self"]] - t0[["user.self"]]) + (t1[["sys.self"]] - t0[["sys.self"]])

num <- function(x) sprintf("%.10g", x)
quote_id <- function(s) ifelse(grepl("[\",\r\n]", s), paste0("\"", gsub("\"", "\"\"", s), "\""), s)
con <- file(args[5], "w")
writeLines("id,k,forecast,lo80,hi80,lo95,hi95,method", con)
for (i in seq_along(ids)) {
	r <- out[[i]]
	if (is.null(r))
		next
	writeLines(paste(quote_id(ids[i]), seq_len(horizon), num(r$mean), num(r$lower[, 1]), num(r$upper[, 1]),
	                 num(r$lower[, 2]), num(r$upper[, 2]), quote_id(r$model), sep = ","), con)
}
close(con)
cat(sprintf("series %d failed %d cpu_seconds %.3f\n", length(ids), failed, cpu))
