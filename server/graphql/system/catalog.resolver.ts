import { Query, Resolver } from "type-graphql";
import { FORMAT_IDS, OUTPUT_FORMATS } from "../../../domain/formats";
import { TEMPLATE_IDS, TEMPLATES } from "../../../domain/templates";
import { FormatInfo, TemplateInfo } from "./system.type";

/** What a client can choose from; the same lists the domain validates against. */
@Resolver()
export class CatalogResolver {
  @Query(() => [TemplateInfo])
  templates() {
    return TEMPLATE_IDS.map((id) => TEMPLATES[id]);
  }

  @Query(() => [FormatInfo])
  formats() {
    return FORMAT_IDS.map((id) => OUTPUT_FORMATS[id]);
  }
}
