# rvertnet's own calls, made as rvertnet makes them (crul's HttpClient on its base URL, then
# $get("api/search", query = list(q = <JSON query object>))), with the gateway's address as the base URL.
# Each check stops the script with a message when it fails; the last line printed is "ok".
library(crul)
library(jsonlite)

base <- Sys.getenv("GATEWAY")
cli <- HttpClient$new(url = base)

search <- function(object, path = "api/search") {
  res <- cli$get(path, query = list(q = toJSON(object, auto_unbox = TRUE)))
  if (res$status_code != 200) stop(sprintf("%s answered %d: %s", path, res$status_code, res$parse("UTF-8")))
  list(body = fromJSON(res$parse("UTF-8")), headers = res$response_headers, raw = res$content)
}
check <- function(condition, what) if (!isTRUE(condition)) stop(what, call. = FALSE)
is_hit <- function(answer) startsWith(answer$headers[["cache-status"]], "BioGateway; hit")

# searchbyterm(genus = "Puma", limit = 1e5): R writes the limit as 1e+05, which VertNet caps to 1000
puma <- search(list(q = "genus:Puma", l = 1e5))
check(grepl("capped to 1000", puma$headers[["biogateway-notice"]]), "1e+05 was not read as 100000 and capped")
check(puma$body$limit == 1000, "the limit sent upstream is not 1000")
check(nrow(puma$body$recs) == 300 && all(puma$body$recs$genus == "Puma"), "not the 300 Puma records")
check(is_hit(search(list(q = "genus:Puma", l = 1e5))), "the repeat was not a cache hit")
check(is_hit(search(list(q = "genus:Puma", l = 1000))), "1e+05 and 1000 are not one cache entry")
check(is_hit(search(list(q = "genus:Puma", l = 1e5), path = "vertnet/api/search")), "the prefixed path is not the same entry")

# paging with the cursor VertNet returns, as rvertnet's searchbyterm does past 1000 records
first <- search(list(q = "genus:Junco", l = 1000))
check(nrow(first$body$recs) == 1000 && is.character(first$body$cursor), "no full first page with a cursor")
second <- search(list(q = "genus:Junco", l = 1000, c = first$body$cursor))
check(nrow(second$body$recs) == 1000, "no full second page")
check(length(intersect(first$body$recs$keyname, second$body$recs$keyname)) == 0, "the pages overlap")
check(is_hit(search(list(q = "genus:Junco", l = 1000, c = first$body$cursor))), "the cursor page was not a hit")

# a lookup of several records with OR, as vert_id() builds it
ids <- head(first$body$recs$catalognumber, 3)
lookup <- search(list(q = paste0("catalognumber:(", paste(ids, collapse = " OR "), ")"), l = 10))
check(setequal(lookup$body$recs$catalognumber, ids), "the OR lookup did not return exactly those records")

# spatialsearch(lat, long, radius): distance(location,geopoint(lat,long))<metres
near <- search(list(q = "distance(location,geopoint(37.85,-119.55))<30000", l = 50))
check(nrow(near$body$recs) > 0, "nothing near the Sierra Nevada")
check(all(near$body$recs$locality == "Sierra Nevada"), "records from elsewhere")
check(all(abs(as.numeric(near$body$recs$decimallatitude) - 37.85) < 0.3), "coordinates outside the radius")

# traitsearch(taxon, trait = "mass"): hasmass:1
mass <- search(list(q = "genus:Junco hasmass:1", l = 20))
check(nrow(mass$body$recs) == 20 && all(!is.na(as.numeric(mass$body$recs$massing))), "records without a mass")
check(is_hit(search(list(q = "genus:Junco hasmass:1", l = 20))), "the trait search repeat was not a hit")

cat("ok\n")
