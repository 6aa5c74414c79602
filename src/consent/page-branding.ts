import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../config/app.config';
import { usePageBrand } from './views/layout';

/** Draws every page with the configured BRAND_NAME, BRAND_LOGO_URL and BRAND_COLOR. */
@Injectable()
export class PageBranding implements OnModuleInit {
  constructor(@Inject(appConfig.KEY) private readonly settings: ConfigType<typeof appConfig>) {}

  onModuleInit(): void {
    usePageBrand(this.settings.brand);
  }
}
