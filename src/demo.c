/* demo: a seeded generator of demo data for a small drinks manufacturer, written as CSV. */
#include "ac-config.h"

#include "demo.h"

#include "civil.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every number below comes from tables and from rng streams seeded by the
 * options alone, and money is counted in whole cents, so the same options
 * give the same bytes. Each document draws from its own stream: a change
 * to, say, the payables model leaves the sales figures as they were. */

#define TWO_PI 6.283185307179586476925286766559
#define DAYS_PER_YEAR 365.25

/* Day of the year (0 is 1 January) of the summer peak, mid July, and of
 * the Christmas peak of mixers, 18 December. */
#define SUMMER_PEAK_DOY 195
#define CHRISTMAS_PEAK_DOY 351
#define CHRISTMAS_WIDTH_DAYS 9.0

/* A launched product takes this long to reach its full level. */
#define LAUNCH_RAMP_DAYS 90.0

/* Receivables due in the last RECENT_DAYS stay open this often, as if
 * disputed or forgotten, so that the demo shows a few overdue invoices. */
#define RECENT_DAYS 90
#define RECENT_OPEN_PCT 6

/* The stream of each document, mixed into the seed. */
enum stream { STREAM_SALES = 1, STREAM_PROMOS, STREAM_INVENTORY, STREAM_RECEIVABLES, STREAM_PAYABLES };

enum channel { CH_RETAIL, CH_WHOLESALE, CH_ONLINE, CH__MAX };

/* A sales channel: its share of each product's demand, its price as a
 * fraction of list price (basis points), how lumpy its orders are (the
 * shape of the gamma mixing, smaller is lumpier), whether it runs
 * promotions, and its weekly profile, Monday first, averaging 1. */
struct channel_def {
	const char *name;
	const char *type;
	int terms_days;
	double share;
	unsigned price_bp;
	double shape;
	int promotes;
	double weekly[7];
};

/* Retail peaks on Friday and Saturday; wholesale customers order on
 * weekdays; online shoppers buy nearly evenly through the week. */
static const struct channel_def channels[CH__MAX] = {
	[CH_RETAIL] = { "Retail", "retail", 30, 0.52, 8800, 8.0, 1,
		{ 0.85, 0.82, 0.86, 0.95, 1.25, 1.42, 0.85 } },
	[CH_WHOLESALE] = { "Wholesale", "wholesale", 45, 0.33, 7600, 3.0, 0,
		{ 1.35, 1.40, 1.40, 1.40, 1.35, 0.07, 0.03 } },
	[CH_ONLINE] = { "Online", "ecommerce", 2, 0.15, 9700, 10.0, 1,
		{ 0.95, 0.97, 0.98, 1.00, 1.02, 1.05, 1.03 } },
};

enum category { CAT_SPW, CAT_STW, CAT_JUC, CAT_SFT, CAT_ICT, CAT_ENG, CAT_KMB, CAT_MIX, CAT__MAX };

/* A category's yearly seasonality: the relative swing of a cosine that
 * peaks in mid July (negative for winter drinks), and the extra demand at
 * Christmas as a fraction of the normal level. */
struct category_def {
	const char *name;
	double summer;
	double christmas;
};

static const struct category_def categories[CAT__MAX] = {
	[CAT_SPW] = { "Sparkling Water", 0.30, 0.00 },
	[CAT_STW] = { "Still Water", 0.40, 0.00 },
	[CAT_JUC] = { "Juice", -0.08, 0.10 },
	[CAT_SFT] = { "Soft Drinks", 0.25, 0.15 },
	[CAT_ICT] = { "Iced Tea", 0.50, 0.00 },
	[CAT_ENG] = { "Energy", 0.08, 0.00 },
	[CAT_KMB] = { "Kombucha", 0.15, 0.00 },
	[CAT_MIX] = { "Mixers", 0.05, 0.90 },
};

/* A product, sold by the case. base is the average number of cases a day
 * over all channels; growth the yearly change of demand in log terms;
 * launch, when not zero, the fraction of the history that passes before
 * it goes on sale; shape, when not zero, replaces the channel's order
 * lumpiness, which makes a slow mover intermittent. */
struct product_def {
	const char *sku;
	const char *name;
	enum category cat;
	unsigned cost_cents;
	unsigned price_cents;
	int lead_days;
	double base;
	double growth;
	double launch;
	double shape;
};

/* Two best sellers per big category, a long tail, three intermittent
 * products (shape 0.3) and three launched during the history. */
static const struct product_def products[] = {
	{ "SPW-330-NAT", "Sparkling Water Natural 330ml Can x24", CAT_SPW, 580, 1290, 10, 110.0, 0.06, 0, 0 },
	{ "SPW-330-LEM", "Sparkling Water Lemon 330ml Can x24", CAT_SPW, 590, 1290, 10, 80.0, 0.10, 0, 0 },
	{ "SPW-330-LIM", "Sparkling Water Lime 330ml Can x24", CAT_SPW, 590, 1290, 10, 45.0, 0.15, 0, 0 },
	{ "SPW-330-GRF", "Sparkling Water Grapefruit 330ml Can x24", CAT_SPW, 600, 1290, 10, 28.0, 0.20, 0, 0 },
	{ "SPW-330-BER", "Sparkling Water Berry 330ml Can x24", CAT_SPW, 600, 1290, 10, 22.0, -0.06, 0, 0 },
	{ "SPW-500-NAT", "Sparkling Water Natural 500ml PET x24", CAT_SPW, 520, 1150, 7, 40.0, 0.00, 0, 0 },
	{ "SPW-750-NAT", "Sparkling Water Natural 750ml Glass x12", CAT_SPW, 740, 1750, 35, 18.0, 0.04, 0, 0 },
	{ "SPW-750-LEM", "Sparkling Water Lemon 750ml Glass x12", CAT_SPW, 750, 1750, 35, 8.0, 0.02, 0, 0 },
	{ "STW-500-NAT", "Still Water 500ml PET x24", CAT_STW, 390, 890, 5, 140.0, 0.03, 0, 0 },
	{ "STW-1500-NAT", "Still Water 1.5L PET x6", CAT_STW, 260, 590, 5, 60.0, -0.04, 0, 0 },
	{ "STW-330-GLS", "Still Water 330ml Glass x24", CAT_STW, 810, 1890, 40, 12.0, 0.05, 0, 0 },
	{ "STW-750-GLS", "Still Water 750ml Glass x12", CAT_STW, 720, 1690, 40, 7.0, 0.00, 0, 0 },
	{ "STW-19L-COOL", "Still Water 19L Cooler Bottle", CAT_STW, 310, 850, 14, 0.45, 0.00, 0, 0.3 },
	{ "JUC-250-ORA", "Orange Juice 250ml Bottle x24", CAT_JUC, 790, 1690, 14, 26.0, -0.03, 0, 0 },
	{ "JUC-250-APL", "Apple Juice 250ml Bottle x24", CAT_JUC, 770, 1690, 14, 20.0, 0.00, 0, 0 },
	{ "JUC-1000-ORA", "Orange Juice 1L Carton x12", CAT_JUC, 960, 1990, 14, 15.0, -0.05, 0, 0 },
	{ "JUC-1000-APL", "Apple Juice 1L Carton x12", CAT_JUC, 940, 1990, 14, 11.0, 0.00, 0, 0 },
	{ "JUC-250-MNG", "Mango Juice 250ml Bottle x24", CAT_JUC, 840, 1790, 21, 6.0, 0.08, 0, 0 },
	{ "JUC-250-CRN", "Cranberry Juice 250ml Bottle x24", CAT_JUC, 870, 1850, 21, 4.0, -0.02, 0, 0 },
	{ "JUC-330-GRN", "Cold Pressed Green Juice 330ml x12", CAT_JUC, 980, 2390, 7, 9.0, 0.15, 0.45, 0 },
	{ "SFT-330-COL", "Cola 330ml Can x24", CAT_SFT, 610, 1350, 10, 95.0, -0.08, 0, 0 },
	{ "SFT-330-ZER", "Cola Zero 330ml Can x24", CAT_SFT, 600, 1350, 10, 65.0, 0.18, 0, 0 },
	{ "SFT-330-LEM", "Lemonade 330ml Can x24", CAT_SFT, 590, 1290, 10, 40.0, 0.02, 0, 0 },
	{ "SFT-330-ORA", "Orangeade 330ml Can x24", CAT_SFT, 590, 1290, 10, 18.0, -0.15, 0, 0 },
	{ "SFT-330-GIN", "Ginger Beer 330ml Can x24", CAT_SFT, 680, 1550, 12, 20.0, 0.10, 0, 0 },
	{ "SFT-330-ROT", "Root Beer 330ml Can x24", CAT_SFT, 640, 1450, 12, 5.0, -0.05, 0, 0 },
	{ "SFT-330-CRM", "Cream Soda 330ml Can x24", CAT_SFT, 640, 1450, 12, 3.5, 0.00, 0, 0 },
	{ "SFT-1500-COL", "Cola 1.5L PET x6", CAT_SFT, 330, 750, 7, 25.0, -0.12, 0, 0 },
	{ "ICT-500-PCH", "Iced Tea Peach 500ml PET x12", CAT_ICT, 440, 990, 10, 32.0, 0.05, 0, 0 },
	{ "ICT-500-LEM", "Iced Tea Lemon 500ml PET x12", CAT_ICT, 440, 990, 10, 27.0, 0.03, 0, 0 },
	{ "ICT-500-GRN", "Green Tea Honey 500ml PET x12", CAT_ICT, 470, 1050, 10, 10.0, 0.12, 0, 0 },
	{ "ICT-500-HIB", "Iced Tea Hibiscus 500ml PET x12", CAT_ICT, 510, 1190, 14, 4.5, 0.00, 0, 0 },
	{ "ICT-330-ZER", "Iced Tea Lemon Zero 330ml Can x24", CAT_ICT, 620, 1390, 10, 14.0, 0.20, 0.65, 0 },
	{ "ENG-250-ORG", "Energy Drink Original 250ml Can x24", CAT_ENG, 1120, 2690, 12, 36.0, 0.04, 0, 0 },
	{ "ENG-250-SF", "Energy Drink Sugar Free 250ml Can x24", CAT_ENG, 1120, 2690, 12, 22.0, 0.20, 0, 0 },
	{ "ENG-500-ORG", "Energy Drink Original 500ml Can x12", CAT_ENG, 930, 2190, 12, 15.0, 0.00, 0, 0 },
	{ "ENG-250-BER", "Energy Drink Berry 250ml Can x24", CAT_ENG, 1140, 2690, 12, 6.0, -0.04, 0, 0 },
	{ "ENG-250-TRO", "Energy Drink Tropical 250ml Can x24", CAT_ENG, 1140, 2690, 12, 12.0, 0.10, 0.82, 0 },
	{ "KMB-330-GIN", "Kombucha Ginger 330ml Bottle x12", CAT_KMB, 1020, 2390, 21, 11.0, 0.25, 0, 0 },
	{ "KMB-330-RAS", "Kombucha Raspberry 330ml Bottle x12", CAT_KMB, 1020, 2390, 21, 8.0, 0.18, 0, 0 },
	{ "KMB-330-ORG", "Kombucha Original 330ml Bottle x12", CAT_KMB, 990, 2390, 21, 6.0, 0.10, 0, 0 },
	{ "KMB-330-PSN", "Kombucha Passion Fruit 330ml Bottle x12", CAT_KMB, 1030, 2390, 21, 3.5, 0.05, 0, 0 },
	{ "KMB-MIX-CASE", "Kombucha Tasting Case Mixed x12", CAT_KMB, 1080, 2750, 28, 0.35, 0.00, 0, 0.3 },
	{ "MIX-200-TON", "Tonic Water 200ml Glass x24", CAT_MIX, 690, 1650, 30, 26.0, 0.05, 0, 0 },
	{ "MIX-200-LTN", "Light Tonic Water 200ml Glass x24", CAT_MIX, 690, 1650, 30, 14.0, 0.12, 0, 0 },
	{ "MIX-200-SOD", "Soda Water 200ml Glass x24", CAT_MIX, 540, 1290, 30, 16.0, 0.00, 0, 0 },
	{ "MIX-200-GAL", "Ginger Ale 200ml Glass x24", CAT_MIX, 690, 1650, 30, 10.0, 0.02, 0, 0 },
	{ "MIX-200-BIT", "Bitter Lemon 200ml Glass x24", CAT_MIX, 710, 1690, 30, 3.5, -0.08, 0, 0 },
	{ "MIX-200-ELD", "Elderflower Tonic 200ml Glass x24", CAT_MIX, 740, 1790, 45, 5.0, 0.15, 0, 0 },
	{ "MIX-GIFT-BOX", "Mixers Gift Box x6", CAT_MIX, 630, 1890, 60, 0.30, 0.00, 0, 0.3 },
};

#define N_PRODUCTS (sizeof products / sizeof products[0])

/* A stock location and its share of each product's stock. */
struct location_def {
	const char *name;
	double share;
};

static const struct location_def locations[] = {
	{ "Main Warehouse", 0.65 },
	{ "North DC", 0.35 },
};

/* A customer invoiced weekly for its share of one channel's sales, and
 * how often (percent) it pays 5 to 30 days late. The payment processor
 * settles online sales and is never late. */
struct customer_def {
	const char *name;
	enum channel channel;
	double share;
	unsigned late_pct;
};

static const struct customer_def customers[] = {
	{ "FreshMart Stores", CH_RETAIL, 0.40, 8 },
	{ "Corner Grocer Group", CH_RETAIL, 0.25, 35 },
	{ "ValueShop Supermarkets", CH_RETAIL, 0.20, 15 },
	{ "Greenleaf Markets", CH_RETAIL, 0.15, 10 },
	{ "Metro Beverage Wholesale", CH_WHOLESALE, 0.45, 20 },
	{ "Harbor Foodservice", CH_WHOLESALE, 0.30, 10 },
	{ "Summit Cash and Carry", CH_WHOLESALE, 0.25, 40 },
	{ "PayStream Payments", CH_ONLINE, 1.00, 0 },
};

enum cadence { CAD_WEEKLY, CAD_FORTNIGHTLY, CAD_MONTHLY };

/* A supplier billing its share of the cost of goods sold at the end of
 * each period, its terms, and how often (percent) we pay it 1 to 10 days
 * late; otherwise the payment run pays on the due date or up to five
 * days before it. */
struct supplier_def {
	const char *name;
	double cogs_share;
	int terms_days;
	enum cadence cadence;
	unsigned late_pct;
};

static const struct supplier_def suppliers[] = {
	{ "Northglass Containers", 0.16, 60, CAD_FORTNIGHTLY, 10 },
	{ "Alucan Packaging", 0.20, 45, CAD_FORTNIGHTLY, 6 },
	{ "SweetSource Ingredients", 0.24, 30, CAD_WEEKLY, 8 },
	{ "Pure CO2 Supply", 0.04, 30, CAD_MONTHLY, 5 },
	{ "BoxRight Cartons", 0.09, 45, CAD_FORTNIGHTLY, 12 },
	{ "Swift Freight Logistics", 0.11, 30, CAD_WEEKLY, 6 },
	{ "GridPower Energy", 0.05, 30, CAD_MONTHLY, 3 },
};

#define ARRAY_LEN(a) (sizeof (a) / sizeof (a)[0])

/* What the sales pass leaves for the later documents, which derive their
 * figures from the sales rather than inventing unrelated ones. */
struct history {
	int32_t first, last, ndays;
	int32_t launch[N_PRODUCTS];	/* first day on sale */
	uint32_t *units;		/* units[day * N_PRODUCTS + product], all channels */
	int64_t *revenue;		/* revenue[day * CH__MAX + channel], net cents */
	int64_t *cogs;			/* cogs[day], cents */
};

/* A product's current or next promotion week. */
struct promo {
	int32_t start;
	unsigned pct;
	double lift;
};

/* Seeds the stream of one document from the options' seed. */
static void stream_seed(struct rng *r, uint64_t seed, enum stream s)
{
	rng_seed(r, seed ^ ((uint64_t)s * 0xd1b54a32d192ed03ULL));
}

/* Appends a text field, quoted only when it holds a comma, quote or line end. */
static int put_field(struct buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL)
		return buf_puts(b, s);
	if (buf_putc(b, '"') < 0)
		return -1;
	for (; *s != '\0'; s++)
		if ((*s == '"' && buf_putc(b, '"') < 0) || buf_putc(b, *s) < 0)
			return -1;
	return buf_putc(b, '"');
}

/* Appends a non-negative amount of cents as a decimal with two places. */
static int put_cents(struct buf *b, int64_t cents)
{
	char frac[3] = { '.', (char)('0' + cents % 100 / 10), (char)('0' + cents % 10) };

	if (buf_put_u64(b, (unsigned long long)(cents / 100)) < 0)
		return -1;
	return buf_append(b, frac, sizeof frac);
}

/* Appends a day as YYYY-MM-DD. */
static int put_date(struct buf *b, int32_t day)
{
	char s[11];

	civil_format(day, s);
	return buf_append(b, s, 10);
}

/* The number of a year's day, 0 for 1 January. */
static int day_of_year(int32_t day)
{
	int y;
	unsigned m, d;

	civil_from_days(day, &y, &m, &d);
	return (int)(day - civil_days(y, 1, 1));
}

/* The seasonal factor of a category on a day of the year: a cosine over
 * the year plus a bell around Christmas that also reaches early January. */
static double season_factor(const struct category_def *c, int doy)
{
	double f = 1.0 + c->summer * cos(TWO_PI * (doy - SUMMER_PEAK_DOY) / DAYS_PER_YEAR);
	int from = doy - CHRISTMAS_PEAK_DOY;

	if (from < -182)
		from += 365;
	if (c->christmas > 0.0) {
		double z = from / CHRISTMAS_WIDTH_DAYS;

		f += c->christmas * exp(-0.5 * z * z);
	}
	return f;
}

/* Draws the promotion week that follows one ending on day `after`: six
 * weeks to six months later, a 10 to 25 % discount, and a lift in volume
 * that grows with the discount. */
static void promo_next(struct rng *r, struct promo *p, int32_t after)
{
	p->start = after + 42 + (int32_t)rng_below(r, 140);
	p->pct = 10 + 5 * rng_below(r, 4);
	p->lift = 1.0 + p->pct * 0.04 + 0.3 * rng_uniform(r);
}

/* Writes the channel table as it is. */
static int gen_channels(struct buf *b)
{
	if (buf_puts(b, "name,type,receivable_terms_days\n") < 0)
		return -1;
	for (size_t c = 0; c < CH__MAX; c++)
		if (put_field(b, channels[c].name) < 0 || buf_putc(b, ',') < 0
		    || buf_puts(b, channels[c].type) < 0 || buf_putc(b, ',') < 0
		    || buf_put_u64(b, (unsigned long long)channels[c].terms_days) < 0
		    || buf_putc(b, '\n') < 0)
			return -1;
	return 0;
}

/* Writes the product catalogue as it is: it does not depend on the seed. */
static int gen_products(struct buf *b)
{
	if (buf_puts(b, "sku,name,category,unit_cost,selling_price,lead_time_days\n") < 0)
		return -1;
	for (size_t i = 0; i < N_PRODUCTS; i++) {
		const struct product_def *p = &products[i];

		if (buf_puts(b, p->sku) < 0 || buf_putc(b, ',') < 0
		    || put_field(b, p->name) < 0 || buf_putc(b, ',') < 0
		    || put_field(b, categories[p->cat].name) < 0 || buf_putc(b, ',') < 0
		    || put_cents(b, p->cost_cents) < 0 || buf_putc(b, ',') < 0
		    || put_cents(b, p->price_cents) < 0 || buf_putc(b, ',') < 0
		    || buf_put_u64(b, (unsigned long long)p->lead_days) < 0
		    || buf_putc(b, '\n') < 0)
			return -1;
	}
	return 0;
}

/* Appends one sales row; order_ref stays empty, so the natural key is the
 * date, sku and channel. */
static int put_sale(struct buf *b, const char date[11], const struct product_def *p,
		    const struct channel_def *c, uint32_t qty, int64_t price, int64_t net, int64_t cogs)
{
	if (buf_append(b, date, 10) < 0 || buf_putc(b, ',') < 0
	    || buf_puts(b, p->sku) < 0 || buf_putc(b, ',') < 0
	    || put_field(b, c->name) < 0 || buf_putc(b, ',') < 0
	    || buf_put_u64(b, qty) < 0 || buf_putc(b, ',') < 0
	    || put_cents(b, price) < 0 || buf_putc(b, ',') < 0
	    || put_cents(b, net) < 0 || buf_putc(b, ',') < 0
	    || put_cents(b, cogs) < 0 || buf_puts(b, ",\n") < 0)
		return -1;
	return 0;
}

/* Draws each day's demand per product and channel and writes a row for
 * each positive quantity, recording units, revenue and cost in h. The
 * mean is the product's level times its seasonality, trend, launch ramp
 * and any promotion, split by channel share and weekday; the quantity is
 * negative binomial around it (a Poisson draw of a gamma-scaled mean). */
static int gen_sales(struct buf *b, struct history *h, uint64_t seed)
{
	struct rng r, pr;
	struct promo promo[N_PRODUCTS];
	double season[CAT__MAX];
	double mid = h->first + h->ndays / 2.0;
	char date[11];

	stream_seed(&r, seed, STREAM_SALES);
	stream_seed(&pr, seed, STREAM_PROMOS);
	for (size_t p = 0; p < N_PRODUCTS; p++)
		promo_next(&pr, &promo[p], h->launch[p] - 42);
	if (buf_puts(b, "date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref\n") < 0)
		return -1;
	for (int32_t i = 0; i < h->ndays; i++) {
		int32_t d = h->first + i;
		unsigned wd = civil_weekday(d) - 1;
		int doy = day_of_year(d);

		civil_format(d, date);
		for (size_t k = 0; k < CAT__MAX; k++)
			season[k] = season_factor(&categories[k], doy);
		for (size_t p = 0; p < N_PRODUCTS; p++) {
			const struct product_def *pd = &products[p];
			double level, ramp, trend;
			int on_promo;

			if (d < h->launch[p])
				continue;
			if (d > promo[p].start + 6)
				promo_next(&pr, &promo[p], promo[p].start + 6);
			/* Slow movers are never promoted: a discount would not
			 * move a product nobody looks for. */
			on_promo = d >= promo[p].start && pd->shape == 0.0;
			ramp = pd->launch > 0.0 ? (d - h->launch[p] + 1) / LAUNCH_RAMP_DAYS : 1.0;
			trend = pd->growth * (d - mid) / DAYS_PER_YEAR;
			/* Over a long history a steady trend would grow a
			 * product twentyfold or kill it; keep it within a factor e either way. */
			trend = trend > 1.0 ? 1.0 : trend < -1.0 ? -1.0 : trend;
			level = pd->base * season[pd->cat] * exp(trend) * (ramp < 1.0 ? ramp : 1.0);
			for (size_t c = 0; c < CH__MAX; c++) {
				const struct channel_def *cd = &channels[c];
				int promoted = on_promo && cd->promotes;
				double shape = pd->shape > 0.0 ? pd->shape : cd->shape;
				double mean = level * cd->share * cd->weekly[wd] * (promoted ? promo[p].lift : 1.0);
				uint32_t q = rng_poisson(&r, mean * rng_gamma(&r, shape) / shape);
				int64_t price, gross, net, cogs;

				if (q == 0)
					continue;
				price = ((int64_t)pd->price_cents * cd->price_bp + 5000) / 10000;
				gross = price * q;
				net = gross - (promoted ? (gross * promo[p].pct + 50) / 100 : 0);
				cogs = (int64_t)pd->cost_cents * q;
				if (put_sale(b, date, pd, cd, q, price, net, cogs) < 0)
					return -1;
				h->units[(size_t)i * N_PRODUCTS + p] += q;
				h->revenue[(size_t)i * CH__MAX + c] += net;
				h->cogs[i] += cogs;
			}
		}
	}
	return 0;
}

/* Writes one product's stock at both locations on snapshot day `day`
 * (index i): two to eight weeks of the last four weeks' sales, a little
 * of it reserved for open orders, and often a purchase order on its way. */
static int put_stock(struct buf *b, struct rng *r, const struct history *h, size_t p, int32_t i)
{
	const struct product_def *pd = &products[p];
	int32_t from = i >= 27 ? i - 27 : 0;
	double weekly = 0.0;

	for (int32_t j = from; j <= i; j++)
		weekly += h->units[(size_t)j * N_PRODUCTS + p];
	weekly = weekly * 7.0 / (i - from + 1);
	for (size_t l = 0; l < ARRAY_LEN(locations); l++) {
		double cover = 2.0 + 6.0 * rng_uniform(r);
		uint32_t on_hand = (uint32_t)(weekly * cover * locations[l].share + 0.5);
		uint32_t reserved, inbound = 0;

		/* Slow movers still keep a few cases on the shelf. */
		if (on_hand < 4)
			on_hand = 4 + rng_below(r, 12);
		reserved = (uint32_t)(on_hand * 0.25 * rng_uniform(r));
		if (rng_below(r, 100) < 45)
			inbound = (uint32_t)(weekly * (1.0 + 3.0 * rng_uniform(r)) * locations[l].share + 0.5);
		if (put_date(b, h->first + i) < 0 || buf_putc(b, ',') < 0
		    || buf_puts(b, pd->sku) < 0 || buf_putc(b, ',') < 0
		    || put_field(b, locations[l].name) < 0 || buf_putc(b, ',') < 0
		    || buf_put_u64(b, on_hand) < 0 || buf_putc(b, ',') < 0
		    || buf_put_u64(b, reserved) < 0 || buf_putc(b, ',') < 0
		    || buf_put_u64(b, inbound) < 0 || buf_putc(b, ',') < 0
		    || put_cents(b, pd->cost_cents) < 0 || buf_putc(b, '\n') < 0)
			return -1;
	}
	return 0;
}

/* Writes stock snapshots on the last day of every month of the history
 * and on its last day, for each product already on sale. */
static int gen_inventory(struct buf *b, const struct history *h, uint64_t seed)
{
	struct rng r;
	int32_t d = h->first;

	stream_seed(&r, seed, STREAM_INVENTORY);
	if (buf_puts(b, "date,sku,location,on_hand,reserved,inbound,unit_cost\n") < 0)
		return -1;
	while (d <= h->last) {
		int y;
		unsigned m, dd;
		int32_t snap;

		civil_from_days(d, &y, &m, &dd);
		snap = civil_days(y, m, civil_month_length(y, m));
		if (snap > h->last)
			snap = h->last;
		for (size_t p = 0; p < N_PRODUCTS; p++)
			if (h->launch[p] <= snap && put_stock(b, &r, h, p, snap - h->first) < 0)
				return -1;
		d = snap + 1;
	}
	return 0;
}

/* Appends a reference like INV-2024-000123, numbered within the year of
 * issue; *year and *seq carry the numbering from one call to the next. */
static int put_ref(struct buf *b, const char *prefix, int32_t issued, int *year, unsigned *seq)
{
	int y;
	unsigned m, d;

	civil_from_days(issued, &y, &m, &d);
	if (y != *year) {
		*year = y;
		*seq = 0;
	}
	(*seq)++;
	return buf_printf(b, "%s-%04d-%06u", prefix, y, *seq);
}

/* Appends the shared tail of an invoice or bill row:
 * amount,currency,issued_on,due_on,paid_on with paid_on empty when 0. */
static int put_money_tail(struct buf *b, int64_t amount, const char *currency,
			  int32_t issued, int32_t due, int paid, int32_t paid_on)
{
	if (buf_putc(b, ',') < 0 || put_cents(b, amount) < 0 || buf_putc(b, ',') < 0
	    || buf_puts(b, currency) < 0 || buf_putc(b, ',') < 0
	    || put_date(b, issued) < 0 || buf_putc(b, ',') < 0
	    || put_date(b, due) < 0 || buf_putc(b, ',') < 0
	    || (paid && put_date(b, paid_on) < 0) || buf_putc(b, '\n') < 0)
		return -1;
	return 0;
}

/* Writes each customer's invoices: one for every whole Monday-to-Sunday
 * week (the first may be partial), issued the next Monday, for its share
 * of the channel's net revenue that week. The customers of a channel
 * split its revenue to the cent, with shares that wobble from week to
 * week. Payment follows the customer's habits; what would be paid after
 * the last day is open, and some recent invoices are left overdue. */
static int gen_receivables(struct buf *b, const struct history *h, uint64_t seed, const char *currency)
{
	struct rng r;
	int64_t week[CH__MAX] = { 0 };
	int year = 0;
	unsigned seq = 0;

	stream_seed(&r, seed, STREAM_RECEIVABLES);
	if (buf_puts(b, "invoice_ref,customer,channel,amount,currency,issued_on,due_on,paid_on\n") < 0)
		return -1;
	for (int32_t i = 0; i < h->ndays; i++) {
		int32_t d = h->first + i, issued = d + 1;

		for (size_t c = 0; c < CH__MAX; c++)
			week[c] += h->revenue[(size_t)i * CH__MAX + c];
		if (civil_weekday(d) != 7)
			continue;
		if (issued > h->last)
			break;
		for (size_t c = 0; c < CH__MAX; c++) {
			double w[ARRAY_LEN(customers)], sum = 0.0;
			int64_t left = week[c];
			size_t last = 0;

			for (size_t k = 0; k < ARRAY_LEN(customers); k++) {
				w[k] = 0.0;
				if (customers[k].channel != c)
					continue;
				w[k] = customers[k].share * (0.85 + 0.3 * rng_uniform(&r));
				sum += w[k];
				last = k;
			}
			for (size_t k = 0; k < ARRAY_LEN(customers); k++) {
				const struct customer_def *cu = &customers[k];
				int32_t due = issued + channels[c].terms_days, paid_on;
				int64_t amount;
				int paid = 1;

				if (cu->channel != c)
					continue;
				amount = k == last ? left : (int64_t)(week[c] * (w[k] / sum));
				left -= amount;
				if (rng_below(&r, 100) < cu->late_pct)
					paid_on = due + 5 + (int32_t)rng_below(&r, 26);
				else
					paid_on = due - (int32_t)rng_below(&r, channels[c].terms_days < 3 ? (uint32_t)channels[c].terms_days + 1 : 4);
				/* Only customers who pay by hand forget to pay; the
				 * processor settles by itself. */
				if (cu->late_pct > 0 && due < h->last && due >= h->last - RECENT_DAYS
				    && rng_below(&r, 100) < RECENT_OPEN_PCT)
					paid = 0;
				if (paid_on > h->last)
					paid = 0;
				if (amount <= 0)
					continue;
				if (put_ref(b, "INV", issued, &year, &seq) < 0 || buf_putc(b, ',') < 0
				    || put_field(b, cu->name) < 0 || buf_putc(b, ',') < 0
				    || put_field(b, channels[c].name) < 0
				    || put_money_tail(b, amount, currency, issued, due, paid, paid_on) < 0)
					return -1;
			}
			week[c] = 0;
		}
	}
	return 0;
}

/* Whether day d closes a billing period of the given cadence. */
static int period_ends(enum cadence cad, int32_t d)
{
	int y;
	unsigned m, dd;

	switch (cad) {
	case CAD_WEEKLY:
		return civil_weekday(d) == 7;
	case CAD_FORTNIGHTLY:
		/* Every other Sunday; the offset keeps the division on
		 * non-negative numbers for dates before 1970. */
		return civil_weekday(d) == 7 && (d + 14 * 100000 - 3) / 7 % 2 == 0;
	case CAD_MONTHLY:
		civil_from_days(d + 1, &y, &m, &dd);
		return dd == 1;
	}
	return 0;
}

/* Writes each supplier's bills: at the end of each billing period, its
 * share of the period's cost of goods sold give or take 8 %, due after its
 * terms, paid by the payment run on or a few days before the due date
 * (sometimes late); bills the run has not reached by the last day are open. */
static int gen_payables(struct buf *b, const struct history *h, uint64_t seed, const char *currency)
{
	struct rng r;
	int64_t owed[ARRAY_LEN(suppliers)] = { 0 };
	int year = 0;
	unsigned seq = 0;

	stream_seed(&r, seed, STREAM_PAYABLES);
	if (buf_puts(b, "bill_ref,supplier,amount,currency,issued_on,due_on,paid_on\n") < 0)
		return -1;
	for (int32_t i = 0; i < h->ndays; i++) {
		int32_t d = h->first + i;

		for (size_t s = 0; s < ARRAY_LEN(suppliers); s++) {
			const struct supplier_def *su = &suppliers[s];
			int32_t due = d + su->terms_days, paid_on;
			int64_t amount;

			owed[s] += h->cogs[i];
			if (!period_ends(su->cadence, d))
				continue;
			amount = (int64_t)(owed[s] * su->cogs_share * (0.92 + 0.16 * rng_uniform(&r)));
			owed[s] = 0;
			if (rng_below(&r, 100) < su->late_pct)
				paid_on = due + 1 + (int32_t)rng_below(&r, 10);
			else
				paid_on = due - (int32_t)rng_below(&r, 6);
			if (amount <= 0)
				continue;
			if (put_ref(b, "BILL", d, &year, &seq) < 0 || buf_putc(b, ',') < 0
			    || put_field(b, su->name) < 0
			    || put_money_tail(b, amount, currency, d, due, paid_on <= h->last, paid_on) < 0)
				return -1;
		}
	}
	return 0;
}

/* Checks the options and works out the history's days. */
static int history_init(struct history *h, const struct demo_options *opt, int years)
{
	int y;
	unsigned m, d;

	memset(h, 0, sizeof *h);
	/* The importer takes years 1900 to 2999; bills fall due up to 60 days
	 * after the last day. */
	if (years > 20 || opt->last_day < civil_days(1900 + years, 1, 1)
	    || opt->last_day > civil_days(2999, 10, 31))
		return -1;
	civil_from_days(opt->last_day, &y, &m, &d);
	if (m == 2 && d == 29)
		d = 28;
	h->first = civil_days(y - years, m, d) + 1;
	h->last = opt->last_day;
	h->ndays = h->last - h->first + 1;
	for (size_t p = 0; p < N_PRODUCTS; p++)
		h->launch[p] = h->first + (int32_t)(products[p].launch * h->ndays);
	h->units = calloc((size_t)h->ndays * N_PRODUCTS, sizeof *h->units);
	h->revenue = calloc((size_t)h->ndays * CH__MAX, sizeof *h->revenue);
	h->cogs = calloc((size_t)h->ndays, sizeof *h->cogs);
	if (h->units == NULL || h->revenue == NULL || h->cogs == NULL)
		return -1;
	return 0;
}

/* Releases what history_init allocated; safe on a zeroed history. */
static void history_free(struct history *h)
{
	free(h->units);
	free(h->revenue);
	free(h->cogs);
}

/* Whether s is three capital ASCII letters, the shape of an ISO 4217 code. */
static int currency_ok(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return s[3] == '\0';
}

int demo_generate(const struct demo_options *opt, struct demo_set *out)
{
	const char *currency = opt->currency != NULL ? opt->currency : "USD";
	int years = opt->years > 0 ? opt->years : 3;
	struct history h;

	memset(&h, 0, sizeof h);
	memset(out, 0, sizeof *out);
	if (!currency_ok(currency) || history_init(&h, opt, years) < 0)
		goto err;
	if (gen_channels(&out->channels) < 0
	    || gen_products(&out->products) < 0
	    || gen_sales(&out->sales, &h, opt->seed) < 0
	    || gen_inventory(&out->inventory, &h, opt->seed) < 0
	    || gen_receivables(&out->receivables, &h, opt->seed, currency) < 0
	    || gen_payables(&out->payables, &h, opt->seed, currency) < 0)
		goto err;
	history_free(&h);
	return 0;
err:
	history_free(&h);
	demo_set_free(out);
	return -1;
}

void demo_set_free(struct demo_set *set)
{
	buf_free(&set->channels);
	buf_free(&set->products);
	buf_free(&set->sales);
	buf_free(&set->inventory);
	buf_free(&set->receivables);
	buf_free(&set->payables);
}
