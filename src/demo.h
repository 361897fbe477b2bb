/* demo: seeded, reproducible demo data for a small drinks manufacturer, as CSV text. */
#ifndef SENTIA_DEMO_H
#define SENTIA_DEMO_H

#include <stdint.h>

#include "buf.h"

/* The six CSV documents, in the order an import must read them: channels
 * and products first, since sales, inventory and receivables name them.
 * Each is comma separated with LF line ends and starts with its header:
 *   channels:    name,type,receivable_terms_days
 *   products:    sku,name,category,unit_cost,selling_price,lead_time_days
 *   sales:       date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref
 *   inventory:   date,sku,location,on_hand,reserved,inbound,unit_cost
 *   receivables: invoice_ref,customer,channel,amount,currency,issued_on,due_on,paid_on
 *   payables:    bill_ref,supplier,amount,currency,issued_on,due_on,paid_on
 * The set owns its buffers; demo_set_free releases them. */
struct demo_set {
	struct buf channels;
	struct buf products;
	struct buf sales;
	struct buf inventory;
	struct buf receivables;
	struct buf payables;
};

/* What to generate. The history runs over whole calendar years ending on
 * last_day: from the day after last_day's date `years` years earlier
 * (29 February counts as the 28th) up to last_day itself. */
struct demo_options {
	uint64_t seed;		/* the same options give byte-identical output */
	int32_t last_day;	/* days since 1970-01-01: the last day with sales */
	int years;		/* of daily history, 1..20; 0 or less means 3 */
	const char *currency;	/* ISO 4217 code, three capital letters; NULL means "USD" */
};

/* Fills out with the six documents, overwriting whatever it held (the
 * caller frees it with demo_set_free). Returns 0, or -1 when out of memory
 * or when the options are out of range (years over 20, a currency that is
 * not three capital letters, a history reaching outside 1900-01-01 to
 * 2999-10-31); out is then empty. */
int demo_generate(const struct demo_options *opt, struct demo_set *out);
/* Releases the six documents' memory and leaves the set empty. */
void demo_set_free(struct demo_set *set);

#endif
